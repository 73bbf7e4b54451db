from django.http import HttpResponse

from comptoir.web.storefront import views as storefront_views


def hello(request):
    """Hello-world view: the baseline the storefront benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """The storefront home (kept under the name "home" for other page areas)."""
    return storefront_views.home(request)
