"""Images (Pillow renditions) and documents attached to a profile reach its page."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cooperations.models import CooperationDocument, CooperationImage

pytestmark = pytest.mark.django_db


def png_bytes(width, height):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (20, 90, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_profile_image_is_served_as_a_pillow_rendition(client, make_profile):
    image = get_image_model().objects.create(
        title="Trauzimmer", file=ImageFile(io.BytesIO(png_bytes(1600, 1200)), name="trau.png")
    )
    page = make_profile("Standesamt mit Bild", publish=False)
    page.images.add(CooperationImage(image=image, caption="Trauzimmer im Rathaus"))
    page.save_revision().publish()

    response = client.get(page.url)

    assert response.status_code == 200
    rendition = image.renditions.get()
    # max-800x600 scales 1600x1200 down to fit, keeping the aspect ratio.
    assert (rendition.width, rendition.height) == (800, 600)
    with rendition.file.open() as handle:
        assert PILImage.open(handle).size == (800, 600)
    html = response.content.decode()
    assert rendition.url in html
    assert 'alt="Trauzimmer im Rathaus"' in html


def test_profile_document_is_listed_with_kind_and_type(client, make_profile):
    document = get_document_model().objects.create(
        title="Öffentlich-rechtliche Vereinbarung",
        file=ContentFile(b"%PDF-1.4 test", name="vereinbarung.pdf"),
    )
    page = make_profile("Standesamt mit Vereinbarung", publish=False)
    page.documents.add(
        CooperationDocument(document=document, kind=CooperationDocument.Kind.AGREEMENT)
    )
    page.save_revision().publish()

    html = client.get(page.url).content.decode()

    assert document.url in html
    assert "Öffentlich-rechtliche Vereinbarung" in html
    assert "Vereinbarung / Vertrag" in html
    assert "PDF" in html
