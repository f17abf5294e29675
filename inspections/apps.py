from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and staff time"

    def ready(self):
        checks.register(visibility_timeout_check, checks.Tags.compatibility)


def visibility_timeout_check(app_configs=None, **kwargs):
    """A killed worker's task comes back after the visibility timeout: it must outlast the
    hard time limit, or a task still running is handed to a second worker."""
    if settings.CELERY_BROKER_URL and (
        settings.TASK_VISIBILITY_TIMEOUT <= settings.CELERY_TASK_TIME_LIMIT
    ):
        return [
            checks.Warning(
                f"CELERY_VISIBILITY_TIMEOUT ({settings.TASK_VISIBILITY_TIMEOUT} s) is not longer "
                f"than CELERY_TASK_TIME_LIMIT ({settings.CELERY_TASK_TIME_LIMIT} s): a long task "
                "may be handed to a second worker while the first still runs it.",
                hint="Unset CELERY_VISIBILITY_TIMEOUT: it defaults to the time limit plus 60 s.",
                id="inspections.W001",
            )
        ]
    return []
