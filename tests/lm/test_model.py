import torch

from nextword.lm.model import AdaptiveIO, LanguageModel, LMConfig
from nextword.text.streams import TokenStream


def test_adaptive_output_is_a_normalised_distribution_and_matches_the_training_loss():
    torch.manual_seed(0)
    io = AdaptiveIO(500, 32, [50, 200], div=2)
    h = torch.randn(7, 32)
    lp = io.log_probs(h)
    assert torch.allclose(lp.exp().sum(-1), torch.ones(7), atol=1e-5)
    target = torch.tensor([0, 49, 50, 199, 200, 499, 3])
    assert torch.allclose(io.nll(h, target), -lp.gather(1, target[:, None]).sum(), atol=1e-4)


def test_embedding_and_output_share_their_tables():
    m = LanguageModel(LMConfig(vocab_size=300, dim=16, hidden_size=32, cutoffs=[100]))
    names = [n for n, _ in m.named_parameters()]
    assert not any("emb" in n and "io" not in n for n in names)
    assert sum(p.numel() for p in m.io.tables) == 100 * 16 + 200 * 8


def test_a_few_steps_on_repetitive_text_lower_the_loss():
    torch.manual_seed(0)
    ids = torch.arange(40).repeat(50).numpy()
    stream = TokenStream(ids, batch_size=4, bptt=10)
    m = LanguageModel(LMConfig(vocab_size=40, dim=16, hidden_size=32, cutoffs=[], dropout=0.0))
    opt = torch.optim.Adam(m.parameters(), 1e-2)
    first = None
    for step in range(60):
        loss, _, _ = m(stream.batch(step % len(stream)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < first / 3


def test_token_stream_batches_continue_each_column():
    ids = torch.arange(101).numpy()
    s = TokenStream(ids, batch_size=4, bptt=5)
    x0, y0 = s.batch(0)
    x1, _ = s.batch(1)
    assert x0.shape == (4, 5) and (y0[:, :-1] == x0[:, 1:]).all()
    assert (x1[:, 0] == y0[:, -1]).all()  # the next batch continues where the last one stopped
    shard = TokenStream(ids, batch_size=4, bptt=5, shard=1, n_shards=2)
    assert (shard.batch(0)[0] == x0[2:]).all()


def test_target_log_probs_equal_the_full_distribution_at_the_targets():
    torch.manual_seed(0)
    lm = LanguageModel(LMConfig(vocab_size=300, dim=16, hidden_size=32, cutoffs=[50, 150])).eval()
    h = torch.randn(40, 16)
    target = torch.randint(0, 300, (40,))
    full = lm.io.log_probs(h).gather(1, target.unsqueeze(1)).squeeze(1)
    assert torch.allclose(lm.io.target_log_probs(h, target), full, atol=1e-5)
    assert torch.allclose(lm.io.nll(h, target), -full.sum(), atol=1e-3)


def test_log_prob_bounds_are_exact_for_frequent_words_and_bound_the_rare_ones():
    torch.manual_seed(0)
    io = AdaptiveIO(500, 32, [50, 200], div=2)
    h = torch.randn(4, 32)
    full, bounds = io.log_probs(h), io.log_prob_bounds(h)
    assert bounds.shape == full.shape
    assert torch.allclose(bounds[:, :50], full[:, :50], atol=1e-6)
    assert bool((bounds[:, 50:] >= full[:, 50:] - 1e-6).all())
    for i in (1, 2):  # a rare bucket made exact is the full distribution's slice
        lo, hi = io.bounds[i], io.bounds[i + 1]
        assert torch.allclose(io.bucket_log_probs(h, i), full[:, lo:hi], atol=1e-5)


def test_one_row_scored_at_inference_matches_the_batch_path():
    torch.manual_seed(0)
    io = AdaptiveIO(300, 32, [50, 120], div=2)
    h = torch.randn(5, 32)
    with torch.no_grad():
        batch = io.log_probs(h)
        for row in range(5):
            assert torch.allclose(io.log_probs(h[row]), batch[row], atol=1e-5)
        io.tables[2].mul_(3.0)  # the transposed copy follows an in-place change
        assert torch.allclose(io.log_probs(h[0]), io.log_probs(h)[0], atol=1e-5)
