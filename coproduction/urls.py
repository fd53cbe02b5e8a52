app_name = "coproduction"

public: list = []
staff: list = []
urlpatterns = public + staff
