# Django's CallbackFilter with a function of the project (it passes every record here;
# the Rust side registers its counterpart).
def skip_static_requests(record):
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "skip_static": {
            "()": "django.utils.log.CallbackFilter",
            "callback": skip_static_requests,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["skip_static"]},
    },
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
