# MemoryHandler in front of a file: records are written to the target (at ERROR, when
# full, and at shutdown).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": "buffered.log", "formatter": "f"},
        "memory": {
            "class": "logging.handlers.MemoryHandler",
            "capacity": 100,
            "flushLevel": 40,
            "target": "file",
            "level": "INFO",
        },
    },
    "root": {"handlers": ["memory"], "level": "DEBUG"},
}
