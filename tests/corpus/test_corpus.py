import trialaudit.corpus as corpus
def test_manifest_complete_and_checksums_match():
    arts = corpus.articles()
    assert len(arts) == 4
    for a in arts:
        assert a.id and a.file and a.licence and len(a.sha256) == 64
        assert a.verify(), f"{a.id}: sha256 mismatch"


def test_paths_exist():
    with corpus.paths() as ps:
        assert all(p.is_file() for p in ps)
