from django.urls import URLPattern, URLResolver, path

from unse.web import almanac, gunghap, views, yearly

app_name = "web"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("saju/", views.chart, name="chart"),
    path("saju/p/<uuid:public_id>/", views.profile_chart, name="profile_chart"),
    path("today/", views.today, name="today"),
    path("today/p/<uuid:public_id>/", views.profile_today, name="profile_today"),
    path("chat/", views.chat_list, name="chat"),
    path("chat/<str:chat_id>/", views.chat_room, name="chat_room"),
    path("year/", yearly.year, name="year"),
    path("calendar/", almanac.calendar_today, name="calendar_today"),
    path("calendar/convert/", almanac.convert, name="calendar_convert"),
    path("calendar/<int:year>/<int:month>/", almanac.calendar_month, name="calendar"),
    path("gunghap/", gunghap.gunghap, name="gunghap"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]
