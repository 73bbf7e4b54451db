from django.http import HttpResponse
from django.shortcuts import render


def hello(request):
    """Hello-world view: the baseline the storefront benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    return render(request, "web/home.html")
