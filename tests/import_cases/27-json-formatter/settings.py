# python-json-logger for a JSON file, text on the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.jsonlogger.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "json_file": {"class": "logging.FileHandler", "filename": "app.json", "formatter": "json"},
        "console": {"class": "logging.StreamHandler", "formatter": "text", "level": "WARNING"},
    },
    "root": {"handlers": ["json_file", "console"], "level": "INFO"},
}
