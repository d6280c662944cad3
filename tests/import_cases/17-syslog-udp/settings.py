# SysLogHandler to a collector over UDP, beside the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "syslog": {
            "class": "logging.handlers.SysLogHandler",
            "address": ["127.0.0.1", 5140],
            "facility": "local3",
            "level": "WARNING",
        },
        "console": {"class": "logging.StreamHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["syslog", "console"], "level": "INFO"},
}
