"""Classifying embeddings from a few examples, and a 2-D map of them. Pure numpy.

The lecture's transfer-learning point: a network trained on ImageNet has
learned features general enough that a new class needs only a handful of
examples. Two classic ways to use them, both small enough to fit in a frame:

- k nearest neighbours on L2-normalised embeddings (cosine similarity): no
  training at all, the examples are the model;
- a multinomial logistic regression (a new last layer, the "fine-tuning" of
  the head only), fitted by gradient descent when the examples change.

The map is a PCA of the examples to 2-D (the two directions in which the
examples differ most), so the classroom sees the classes form clusters and
the live frame move between them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (cosine similarity becomes a dot product)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def knn_scores(examples: np.ndarray, classes: np.ndarray, query: np.ndarray, n_classes: int,
               k: int = 3) -> np.ndarray:
    """Per class, its share of the k most similar examples, weighted by similarity (sums to 1)."""
    sims = examples @ query
    k = min(k, len(sims))
    nearest = np.argpartition(-sims, k - 1)[:k]
    weights = np.maximum(sims[nearest], 0) + 1e-6
    scores = np.bincount(classes[nearest], weights=weights, minlength=n_classes)
    return (scores / scores.sum()).astype(np.float32)


@dataclass
class LogisticHead:
    """Softmax regression on normalised embeddings: weight (classes x dims), bias (classes)."""

    weight: np.ndarray
    bias: np.ndarray

    @classmethod
    def fit(cls, examples: np.ndarray, classes: np.ndarray, n_classes: int, steps: int = 300,
            rate: float = 0.5, l2: float = 1e-3) -> LogisticHead:
        """Full-batch gradient descent on the cross-entropy (a few hundred examples: a few ms)."""
        n, d = examples.shape
        w = np.zeros((n_classes, d), np.float32)
        b = np.zeros(n_classes, np.float32)
        onehot = np.eye(n_classes, dtype=np.float32)[classes]
        scale = np.float32(10.0)  # cosine features are small: a fixed gain lets the softmax become confident
        x = examples * scale
        for _ in range(steps):
            logits = x @ w.T + b
            p = softmax(logits)
            grad = (p - onehot) / n
            w -= rate * (grad.T @ x + l2 * w)
            b -= rate * grad.sum(axis=0)
        return cls(w * scale, b)

    def scores(self, query: np.ndarray) -> np.ndarray:
        return softmax(self.weight @ query + self.bias)


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


@dataclass
class Pca2:
    """The two main directions of a set of vectors, and a scale that fits the examples into -1..1."""

    mean: np.ndarray
    axes: np.ndarray  # 2 x dims
    scale: float

    @classmethod
    def fit(cls, vectors: np.ndarray) -> Pca2:
        mean = vectors.mean(axis=0)
        centred = vectors - mean
        if len(vectors) < 2 or not np.any(centred):
            axes = np.zeros((2, vectors.shape[1]), np.float32)
            return cls(mean, axes, 1.0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        axes = np.zeros((2, vectors.shape[1]), np.float32)
        axes[:min(2, len(vt))] = vt[:2]
        points = centred @ axes.T
        return cls(mean, axes, float(np.abs(points).max()) or 1.0)

    def project(self, vectors: np.ndarray) -> np.ndarray:
        """N x dims (or dims) -> N x 2 (or 2), the examples within -1..1 (a new frame may fall outside)."""
        return ((vectors - self.mean) @ self.axes.T / self.scale).astype(np.float32)
