"""The README's benchmark figures are the JSON's, regenerated, never typed."""

from benchmarks import readme


def test_the_readme_tables_are_those_the_results_regenerate():
    text = readme.README.read_text()
    assert readme.rendered_readme(text) == text, "run `python -m benchmarks.readme`"


def test_every_benchmark_with_results_has_its_table_in_the_readme():
    text = readme.README.read_text()
    for path in readme.RESULTS.glob("*.json"):
        if path.stem in readme.REGENERATED_ELSEWHERE:
            continue
        assert f"<!-- benchmark:{path.stem} -->" in text, path.name
        assert path.stem in readme.RENDERERS, path.name
