"""URLs of the peer installation: django-helpdesk under /helpdesk/, as its docs set it up."""

from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
