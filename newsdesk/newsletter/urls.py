from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("export/<str:token>/", views.export, name="export"),
    path("delete/<str:token>/", views.delete, name="delete"),
    path("link/<str:token>/", views.fresh_link, name="fresh-link"),
]
