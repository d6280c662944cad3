# concurrent-log-handler: a rotating file several worker processes share.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "shared": {
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            "filename": "shared.log",
            "maxBytes": 10485760,
            "backupCount": 3,
            "formatter": "f",
            "use_gzip": False,
        },
    },
    "root": {"handlers": ["shared"], "level": "INFO"},
}
