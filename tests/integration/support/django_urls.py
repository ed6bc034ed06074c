"""ROOT_URLCONF of test_django_replicas.py: a cache_page view that counts its real runs, and two
views that write and read a value in the (cache-backed) session."""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page

runs = {"page": 0}


def render_page(request):
    runs["page"] += 1
    return HttpResponse(f"rendered {runs['page']} time(s)")


def cached_page(request):
    # Decorated per request: Django 3.2's cache middleware binds its cache when it is built, and
    # the tests switch CACHES with override_settings after this module is imported.
    return cache_page(300)(render_page)(request)


def session_set(request, value):
    request.session["value"] = value
    return HttpResponse("stored")


def session_get(request):
    return HttpResponse(request.session.get("value", "<none>"))


urlpatterns = [
    path("page/", cached_page),
    path("session/set/<str:value>/", session_set),
    path("session/get/", session_get),
]
