import os

def pytest_addoption(parser):
    parser.addoption('--gpu', action='store_true', default=False, help='also run notebook cells marked `#| gpu`')

def pytest_configure(config):
    # the terminal's stderr, kept before per-test capture starts: a long notebook cell is named there while it runs
    try: config.fst_terminal_fd = os.dup(2)
    except OSError: config.fst_terminal_fd = None
