app_name = "notifications"

# The outbox has no pages of its own: staff see its state on the dashboard, administrators in admin.
public: list = []
staff: list = []
urlpatterns = public + staff
