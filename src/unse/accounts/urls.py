"""URLs of the accounts part; included in config/urls.py *before* allauth's so the overrides win."""

from django.urls import path

from unse.accounts import views

app_name = "accounts"

urlpatterns = [
    # allauth's own URL names are kept (account_signup, socialaccount_signup) so its templates still work.
    path("accounts/signup/", views.signup, name="account_signup_atomic"),
    path("accounts/3rdparty/signup/", views.social_signup, name="socialaccount_signup_atomic"),
    path("accounts/guardian/<str:token>/", views.guardian_confirm, name="guardian_confirm"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("me/", views.dashboard, name="dashboard"),
    # The header menu (unse.web) links "내 정보" by this name.
    path("me/", views.dashboard, name="profile"),
    path("me/profiles/", views.profiles, name="profiles"),
    path("me/profiles/<uuid:public_id>/", views.profile_edit, name="profile_edit"),
    path("me/profiles/<uuid:public_id>/delete/", views.profile_delete, name="profile_delete"),
    path("me/profiles/<uuid:public_id>/default/", views.profile_default, name="profile_default"),
    path("me/favourites/", views.favourites, name="favourites"),
    path("me/favourites/<uuid:public_id>/", views.favourite_edit, name="favourite_edit"),
    path("me/favourites/<uuid:public_id>/delete/", views.favourite_delete, name="favourite_delete"),
    path("me/library/", views.library, name="library"),
    path("me/library/save/", views.library_save, name="library_save"),
    path("me/library/<uuid:public_id>/", views.saved_detail, name="saved_detail"),
    path("me/library/<uuid:public_id>/delete/", views.saved_delete, name="saved_delete"),
    path("me/library/<uuid:public_id>/share/", views.share_create, name="share_create"),
    path("me/shares/", views.shares, name="shares"),
    path("me/shares/<uuid:public_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("s/<str:token>/", views.shared_page, name="shared"),
    path("s/<str:token>/card.png", views.shared_card, name="shared_card"),
    path("me/api-key/", views.api_key, name="api_key"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.delete_account, name="delete"),
]
