"""A stand-in for rich.logging.RichHandler: it writes where rich's console writes
(sys.stdout), the formatter's text without rich's columns and colours (the import
note says logconf does not reproduce them)."""
import logging
import sys


class RichHandler(logging.StreamHandler):
    def __init__(self, level=logging.NOTSET, console=None, *, show_time=True,
                 show_level=True, show_path=True, markup=False, rich_tracebacks=False,
                 tracebacks_show_locals=False, omit_repeated_times=True, **kwargs):
        super().__init__(stream=sys.stdout)
        self.setLevel(level)
