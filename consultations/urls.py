app_name = "consultations"

public: list = []
staff: list = []
urlpatterns = public + staff
