"""Security headers (CSP, Permissions-Policy, COOP), the login-throttle answer, Pillow's limit.

The Content-Security-Policy is built here rather than by a library: the site needs one
strict policy for the public pages and a relaxed one only under the admin prefixes, chosen
by path, and nothing else (no nonces, no reporting). See docs/security.md.
"""

from django.conf import settings
from PIL import Image

from . import throttle

# The public pages: everything from our own origin, no inline code, no framing.
PUBLIC_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# The Wagtail admin (/admin/), used only by signed-in staff. Wagtail 8 still renders inline
# <script> elements that initialise its widgets (SnippetChooser, ImageChooser,
# DocumentChooser, initDateChooser, InlinePanel; wagtail/wagtail#1288 and #12940 list them)
# and its chooser modals run the scripts of the HTML they load, so scripts and styles need
# 'unsafe-inline' there; nonces cannot be used because the widgets render their <script>
# without the request. img-src adds blob: for the upload previews (wagtail/wagtail#12368);
# frame-ancestors 'self' lets the page preview show in an iframe of the admin.
# No 'unsafe-eval', no other hosts. The admin login pages have no inline code and keep the
# strict policy; so does the Django admin (/django-admin/), whose templates have none.
ADMIN_CSP = {
    **PUBLIC_CSP,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
}
ADMIN_PREFIXES = ("/admin/",)
STRICT_ADMIN_PATHS = ("/admin/login/",)

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), interest-cohort=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"
)

# Decompression-bomb limit for every image Pillow opens (uploads, renditions): Pillow warns
# above this many pixels and raises DecompressionBombError above twice as many, instead of
# filling the memory. Its default is about 89 million; 50 million (the upload limit
# WAGTAILIMAGES_MAX_IMAGE_PIXELS, which Wagtail checks itself) is far above a 40-megapixel
# camera photo.
Image.MAX_IMAGE_PIXELS = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 50_000_000)


def serialize_policy(policy):
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


def policy_for(request, response):
    admin = request.path.startswith(ADMIN_PREFIXES) and request.path not in STRICT_ADMIN_PATHS
    policy = dict(ADMIN_CSP if admin else PUBLIC_CSP)
    # Views that allow same-origin framing (the Wagtail preview) say so with X-Frame-Options.
    if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
        policy["frame-ancestors"] = ["'self'"]
    return policy


class SecurityHeadersMiddleware:
    """Adds CSP, Permissions-Policy and Cross-Origin-Opener-Policy to every response.

    Referrer-Policy, X-Content-Type-Options and HSTS come from Django's SecurityMiddleware,
    X-Frame-Options from XFrameOptionsMiddleware (settings in settings/base.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = serialize_policy(policy_for(request, response))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def login_paths():
    return tuple(getattr(settings, "LOGIN_THROTTLE_PATHS", ()))


class LoginThrottleMiddleware:
    """A login POST while throttled gets a 429 page with Retry-After before the form runs.

    The counting itself happens in throttle.LoginThrottleBackend, so every login form is
    protected; this middleware only gives the known login URLs a clear German answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in login_paths():
            username = request.POST.get("username", "")
            wait = throttle.login_blocked(request, username) if username else 0
            if wait:
                return throttle.too_many_requests(
                    request,
                    wait,
                    reason=throttle.LOGIN_BLOCKED_MESSAGE,
                )
        return self.get_response(request)
