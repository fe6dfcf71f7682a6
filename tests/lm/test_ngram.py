import numpy as np

from nextword.lm.ngram import KneserNey


def test_distribution_sums_to_one_in_every_context():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, 3000)
    kn = KneserNey.build(ids, 60, order=4)
    for ctx in ([], [1], [1, 2], ids[10:13], [59, 59, 59]):
        p = kn.probs(list(ctx))
        assert p.shape == (60,) and abs(p.sum() - 1) < 1e-9 and (p > 0).all()


def test_seen_continuations_outrank_unseen_ones():
    ids = np.array([1, 2, 3, 4] * 30 + [1, 2, 5] * 3)
    kn = KneserNey.build(ids, 10, order=3)
    p = kn.probs([1, 2])
    assert p[3] > p[5] > p[7]


def test_save_and_load_give_identical_probabilities(tmp_path):
    ids = np.random.default_rng(1).integers(0, 30, 2000)
    kn = KneserNey.build(ids, 30, order=4)
    kn.save(tmp_path / "kn.safetensors")
    again = KneserNey.load(tmp_path / "kn.safetensors")
    assert np.array_equal(kn.probs([3, 4, 5]), again.probs([3, 4, 5]))


def test_unigram_is_not_mutated_by_callers():
    kn = KneserNey.build(np.array([1, 2, 3, 1, 2, 3]), 5, order=2)
    p = kn.probs([4])
    p[:] = 0
    assert kn.probs([4]).sum() > 0.99


def test_probabilities_of_chosen_ids_equal_the_full_distribution_there():
    ids = np.random.default_rng(2).integers(0, 40, 3000)
    kn = KneserNey.build(ids, 50, order=4)
    wanted = np.array([0, 7, 7, 49, 13, 45])  # 45..49 never seen; repeats allowed
    for ctx in ([], [1], [3, 4], list(ids[20:23]), [48, 48, 48]):
        assert np.allclose(kn.probs(ctx, wanted), kn.probs(ctx)[wanted], rtol=1e-12, atol=0)
