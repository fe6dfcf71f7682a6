"""The LSTM core's inference step: the same values as PyTorch's LSTM, from weights kept fresh."""

import pytest
import torch

from nextword.core.lstm import LSTMCore


@pytest.mark.parametrize(("proj", "layers"), [(0, 1), (16, 1), (16, 2)])
@pytest.mark.parametrize("steps", [1, 3])
def test_a_few_steps_at_inference_match_the_native_lstm(proj, layers, steps):
    torch.manual_seed(0)
    core = LSTMCore(24, 48, num_layers=layers, proj_size=proj, dropout=0.1).eval()
    x = torch.randn(2, steps, 24)
    state = (torch.randn(layers, 2, proj or 48), torch.randn(layers, 2, 48))
    with torch.inference_mode():
        want, (wh, wc) = core.lstm(x, state)
        got, (gh, gc) = core(x, state)  # takes the fused step path
    assert torch.allclose(got, want, atol=1e-5)
    assert torch.allclose(gh, wh, atol=1e-5) and torch.allclose(gc, wc, atol=1e-5)


def test_the_fused_weights_follow_a_training_step_and_a_reload():
    torch.manual_seed(0)
    core = LSTMCore(8, 16).eval()
    x = torch.randn(1, 1, 8)

    def agree() -> bool:
        with torch.no_grad():
            return torch.allclose(core(x)[0], core.lstm(x)[0], atol=1e-6)

    assert agree()
    with torch.no_grad():
        core.lstm.weight_hh_l0.mul_(2.0)  # in place, as an optimizer step
    assert agree()
    core.load_state_dict({k: v + 0.5 for k, v in core.state_dict().items()})
    assert agree()


def test_training_and_long_sequences_use_the_native_lstm():
    core = LSTMCore(8, 16)
    x = torch.randn(1, 1, 8, requires_grad=True)
    out, _ = core(x)
    out.sum().backward()  # the graph goes through nn.LSTM
    assert x.grad is not None
    with torch.inference_mode():
        core.eval()(torch.randn(1, 6, 8))  # longer than a word and its punctuation
    assert "fused" not in core.__dict__.get("_derived", {})
