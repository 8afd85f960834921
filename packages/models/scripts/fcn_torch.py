"""The Wang et al. FCN in PyTorch, shared by the reference scripts beside it (fcn_torch_bench.py, adiac_fcn_torch.py):
three blocks of conv1d 'same' -> batch norm (eps 1e-3) -> relu, global average pooling over time, dense logits.
"""
from torch import nn


class Fcn(nn.Module):
    """FCN over inputs shaped (batch, 1, length). bn_momentum is PyTorch's convention (Keras' 0.99 is 0.01 here);
    glorot=True initialises kernels Glorot-uniform and biases to zero as Keras does, else PyTorch's defaults."""

    def __init__(self, filters, kernels, classes, bn_momentum, glorot=False):
        super().__init__()
        layers, cin = [], 1
        for f, k in zip(filters, kernels):
            conv = nn.Conv1d(cin, f, k, padding="same")
            if glorot:
                nn.init.xavier_uniform_(conv.weight)
                nn.init.zeros_(conv.bias)
            layers += [conv, nn.BatchNorm1d(f, eps=1e-3, momentum=bn_momentum), nn.ReLU()]
            cin = f
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(cin, classes)
        if glorot:
            nn.init.xavier_uniform_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def forward(self, x):
        return self.head(self.body(x).mean(dim=2))
