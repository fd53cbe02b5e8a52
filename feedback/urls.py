app_name = "feedback"

public: list = []
staff: list = []
urlpatterns = public + staff
