app_name = "legal"

urlpatterns = []
