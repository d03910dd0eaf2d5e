from django.urls import path

from . import views

app_name = "websub"
urlpatterns = [path("<str:token>/", views.callback, name="callback")]
