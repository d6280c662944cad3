# Sentry through raven (old) and sentry_sdk's handlers as the root's handlers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": True,
    "root": {"level": "WARNING", "handlers": ["sentry"]},
    "formatters": {"verbose": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    "handlers": {
        "sentry": {
            "level": "ERROR",
            "class": "raven.handlers.logging.SentryHandler",
            "tags": {"custom-tag": "x"},
        },
        "breadcrumbs": {"level": "INFO", "class": "sentry_sdk.integrations.logging.BreadcrumbHandler"},
        "console": {"level": "DEBUG", "class": "logging.StreamHandler", "formatter": "verbose"},
    },
    "loggers": {
        "django.db.backends": {"level": "ERROR", "handlers": ["console"], "propagate": False},
        "raven": {"level": "DEBUG", "handlers": ["console"], "propagate": False},
        "sentry.errors": {"level": "DEBUG", "handlers": ["console", "breadcrumbs"], "propagate": False},
    },
}
