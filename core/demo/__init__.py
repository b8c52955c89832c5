"""The fictional demo county: `build.build_demo` fills a database, the same for the same seed,
from the names (`names`), the meetings and tasks (`tasks`) and the actions (`events`)."""
