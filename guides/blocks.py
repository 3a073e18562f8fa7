"""StreamField blocks for guides and the FAQ: structured content, rendered by templates.

Each block has its own template in templates/guides/blocks/. Headings and phases carry an
anchor (``anchor(value)``) so the guide's table of contents can link to them.
"""

from django.utils.text import slugify
from wagtail import blocks

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "§": "paragraph "}
)


def anchor(text, prefix=""):
    """A stable id for a heading: "Fällt Umsatzsteuer an?" -> "faellt-umsatzsteuer-an"."""
    slug = slugify(text.translate(UMLAUTS)) or "abschnitt"
    return f"{prefix}{slug}"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="Überschrift", max_length=200)
    level = blocks.ChoiceBlock(
        label="Ebene",
        choices=[("h2", "Abschnitt (H2)"), ("h3", "Unterabschnitt (H3)")],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = "Überschrift"
        template = "guides/blocks/heading.html"


class PhaseBlock(blocks.StructBlock):
    """One phase or step of a procedure: goal, tasks, result/milestone, checklist."""

    name = blocks.CharBlock(label="Name der Phase", max_length=200)
    goal = blocks.TextBlock(label="Ziel", required=False)
    tasks = blocks.ListBlock(blocks.CharBlock(label="Aufgabe"), label="Aufgaben", min_num=0)
    milestone = blocks.CharBlock(
        label="Meilenstein / Ergebnis",
        required=False,
        max_length=300,
        help_text="Was am Ende der Phase vorliegt, z. B. „Projektbeschreibung“.",
    )
    checklist = blocks.ListBlock(
        blocks.CharBlock(label="Prüfpunkt"), label="Checkliste zur Phase", min_num=0
    )

    class Meta:
        icon = "list-ol"
        label = "Phase / Schritt"
        template = "guides/blocks/phase.html"


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Titel", max_length=200)
    items = blocks.ListBlock(blocks.CharBlock(label="Prüfpunkt"), label="Prüfpunkte")

    class Meta:
        icon = "tasks"
        label = "Checkliste"
        template = "guides/blocks/checklist.html"


class LegalReferenceBlock(blocks.StructBlock):
    law = blocks.CharBlock(label="Gesetz", max_length=200, help_text="z. B. „GkG NRW“")
    paragraph = blocks.CharBlock(
        label="Vorschrift",
        required=False,
        max_length=100,
        help_text="Nur eintragen, wenn sicher, z. B. „§ 23“.",
    )
    url = blocks.URLBlock(label="Amtliche Fundstelle (URL)", required=False)
    note = blocks.TextBlock(label="Worum es geht", required=False)

    class Meta:
        icon = "doc-full"
        label = "Rechtsgrundlage"
        template = "guides/blocks/legal_reference.html"

    def get_context(self, value, parent_context=None):
        """``whole_law``: the link opens the whole law, not the paragraph, so the page says
        which paragraph to look for. On recht.nrw.de only a ``br_bes_detail`` address with
        a ``det_id`` opens one paragraph (docs/guides.md, "Links to the law")."""
        context = super().get_context(value, parent_context)
        url = value.get("url") or ""
        context["whole_law"] = bool(
            value.get("paragraph") and url and not ("br_bes_detail" in url and "det_id=" in url)
        )
        return context


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label="Art",
        choices=[("hinweis", "Hinweis"), ("achtung", "Achtung"), ("tipp", "Tipp")],
        default="hinweis",
    )
    title = blocks.CharBlock(label="Titel", required=False, max_length=200)
    text = blocks.RichTextBlock(label="Text", features=TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = "Hinweis-Kasten"
        template = "guides/blocks/callout.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label="Frage", max_length=300)
    answer = blocks.RichTextBlock(label="Antwort", features=TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = "Frage und Antwort"
        template = "guides/blocks/faq_item.html"


class SourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Titel", max_length=300)
    url = blocks.URLBlock(label="Adresse", required=False)

    class Meta:
        icon = "link"
        label = "Quelle"


class SourcesBlock(blocks.StructBlock):
    items = blocks.ListBlock(SourceBlock(), label="Quellen")

    class Meta:
        icon = "link"
        label = "Quellen"
        template = "guides/blocks/sources.html"


def guide_body_blocks():
    return [
        ("heading", HeadingBlock()),
        (
            "paragraph",
            blocks.RichTextBlock(
                label="Absatz", features=TEXT_FEATURES, template="guides/blocks/paragraph.html"
            ),
        ),
        ("phase", PhaseBlock()),
        ("checklist", ChecklistBlock()),
        ("legal_reference", LegalReferenceBlock()),
        ("callout", CalloutBlock()),
        ("faq", FaqItemBlock()),
        ("sources", SourcesBlock()),
    ]


def faq_body_blocks():
    return [
        ("heading", HeadingBlock()),
        ("faq", FaqItemBlock()),
    ]
