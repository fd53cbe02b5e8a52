from .reports import urls as report_urls

app_name = "feedback"

public: list = []
staff: list = []

# --- Six-monthly theme reports (/staff/reports/) ---------------------------------------------------
public += report_urls.public
staff += report_urls.staff

urlpatterns = public + staff
