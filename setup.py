"""Packaging for fst-nb: everything is read from settings.ini, which nbdev also reads."""
from configparser import ConfigParser
from pathlib import Path
import setuptools

here = Path(__file__).parent
cfg = ConfigParser(delimiters=['='])
cfg.read(here/'settings.ini', encoding='utf-8')
s = cfg['DEFAULT']

def reqs(key): return s.get(key, '').split()

licenses = {'apache2': 'Apache-2.0'}  # SPDX expression
statuses = ['Planning', 'Pre-Alpha', 'Alpha', 'Beta', 'Production/Stable', 'Mature', 'Inactive']
py_versions = ['3.10', '3.11', '3.12', '3.13']

setuptools.setup(
    name=s['lib_name'],
    version=s['version'],
    description=s['description'],
    long_description=(here/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    author=s['author'], author_email=s['author_email'],
    license=licenses[s['license']],
    url=s['git_url'],
    keywords=s['keywords'].split(),
    classifiers=[
        'Development Status :: ' + s['status'] + ' - ' + statuses[int(s['status'])],
        'Intended Audience :: ' + s['audience'].title(),
        'Natural Language :: ' + s['language'].title(),
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ] + ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(s['min_python']):]],
    packages=setuptools.find_packages(include=['fst_nb', 'fst_nb.*']),
    include_package_data=True,
    package_data={'fst_nb': ['assets/toy_base/*']},   # the shipped toy base model (tools/build_toy_base.py)
    python_requires='>=' + s['min_python'],
    install_requires=reqs('requirements'),
    extras_require={'gpu': reqs('gpu_requirements'), 'unsloth': reqs('unsloth_requirements'), 'tasks': reqs('tasks_requirements'),
                    'trackers': reqs('trackers_requirements'), 'dev': reqs('dev_requirements')},
    entry_points={
        'console_scripts': s['console_scripts'].split(),
        'nbdev': [f"{s['lib_path']}={s['lib_path']}._modidx:d"],
    },
    zip_safe=False,
)
