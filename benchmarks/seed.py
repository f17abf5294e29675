"""Create and seed the national-scale benchmark database: `python -m benchmarks.seed`."""

from benchmarks.common import ensure_database_exists, ensure_national_data, setup_django

if __name__ == "__main__":
    ensure_database_exists()
    setup_django()
    print(ensure_national_data())
