# A project's own formatter class adding request_id; the import keeps its format and
# names request_id as the field that prints its default.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "request": {
            "()": "myapp.logging.RequestFormatter",
            "format": "%(levelname)s [%(request_id)s] %(name)s %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "request"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
