def pytest_addoption(parser):
    parser.addoption('--gpu', action='store_true', default=False, help='also run notebook cells marked `#| gpu`')
