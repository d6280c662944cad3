# maxBytes and backupCount as arithmetic in a settings file; the file rolls in the run.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": "app.log",
            "maxBytes": 2 * 100,
            "backupCount": 1 + 1,
            "formatter": "f",
        },
    },
    "root": {"handlers": ["file"], "level": "INFO"},
}
