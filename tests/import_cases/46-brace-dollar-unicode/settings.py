# {-style with format specs and {asctime} and a datefmt, $-style with $$ and ${name},
# %-style with %% and precision, unicode in the formats.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "brace": {
            "format": "{asctime} │ {levelname:<8} │ {name:>12} │ {message} {{ok}}",
            "style": "{",
            "datefmt": "%Y-%m-%d %H:%M:%S",
        },
        "dollar": {"format": "$$ ${levelname} [$name] → $message ✓", "style": "$"},
        "percent": {"format": "100%% %(levelname).1s %(levelno)03d «%(name)s» %(message)r"},
    },
    "handlers": {
        "b": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "brace"},
        "d": {"class": "logging.FileHandler", "filename": "dollar.log", "formatter": "dollar"},
        "p": {"class": "logging.FileHandler", "filename": "percent.log", "formatter": "percent"},
    },
    "loggers": {
        "café.views": {"handlers": ["d", "p"], "level": "DEBUG", "propagate": True},
    },
    "root": {"handlers": ["b"], "level": "INFO"},
}
