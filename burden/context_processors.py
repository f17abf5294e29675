from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from councils.access import access_for
from councils.models import Council
from inspections.selectors import demo_data_present
from inspections.services.clusters import notices_take_unseen


def _nav_items(request, access):
    items = [("Home", reverse("home"))]
    if access.council_id:
        council = Council.objects.filter(pk=access.council_id).only("slug", "name").first()
        if council:
            items.append(("My council", council.get_absolute_url()))
    items.append(("Dashboards", reverse("dashboard-national")))
    items.append(("Councils", reverse("council-list")))
    items.append(("Clusters", reverse("cluster-list")))
    items.append(("Forecast", reverse("forecast-national")))
    items.append(("Inadequate journey", reverse("inadequate-journey")))
    items.append(("Evidence pack", reverse("evidence-pack")))
    if access.is_admin or (access.role == "editor" and access.council_id):
        items.append(("Import", reverse("import-start")))
    items.append(("About the data", reverse("about")))
    items.append(("API", reverse("api-token")))
    if access.is_admin:
        items.append(("Admin", reverse("admin:index")))
    path = request.path
    # The longest matching prefix is current; the home page only on an exact match.
    current = max(
        (url for _, url in items if path == url or (url != "/" and path.startswith(url))),
        key=len,
        default=None,
    )
    return [{"label": label, "url": url, "current": url == current} for label, url in items]


def service(request):
    """Navigation, service-wide notices and the operator's contact details for every page."""
    operator = {
        "service_operator": settings.SERVICE_OPERATOR,
        "contact_email": settings.CONTACT_EMAIL,
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "demo_data_present": False, "notices": [], **operator}
    access = access_for(user)
    return {
        **operator,
        "access": access,
        "nav_items": _nav_items(request, access),
        "demo_data_present": demo_data_present(),
        # New cluster alerts, read (and marked seen) only when a page shows them.
        "notices": SimpleLazyObject(lambda: notices_take_unseen(user=user)),
    }
