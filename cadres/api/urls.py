from rest_framework.routers import DefaultRouter

app_name = "cadres-api"
router = DefaultRouter()
urlpatterns = router.urls
