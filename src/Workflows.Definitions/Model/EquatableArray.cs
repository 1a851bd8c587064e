using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// An immutable array compared by its elements, so that records holding lists stay equatable
    /// (the incremental source generator caches on model equality).
    /// </summary>
    /// <typeparam name="T">The element type; compared with its own equality.</typeparam>
    public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
        where T : IEquatable<T>
    {
        private readonly T[]? _items;

        /// <summary>Creates an array holding a copy of <paramref name="items"/>.</summary>
        /// <param name="items">The elements, in order.</param>
        public EquatableArray(IEnumerable<T> items)
        {
            _items = items.ToArray();
        }

        /// <summary>The number of elements.</summary>
        public int Count => _items?.Length ?? 0;

        /// <summary>True when there are no elements.</summary>
        public bool IsEmpty => Count == 0;

        /// <summary>The element at <paramref name="index"/>.</summary>
        /// <param name="index">Zero-based position.</param>
        public T this[int index] => (_items ?? Array.Empty<T>())[index];

        /// <inheritdoc />
        public bool Equals(EquatableArray<T> other)
        {
            var mine = _items ?? Array.Empty<T>();
            var theirs = other._items ?? Array.Empty<T>();
            if (mine.Length != theirs.Length)
            {
                return false;
            }

            for (var i = 0; i < mine.Length; i++)
            {
                if (!EqualityComparer<T>.Default.Equals(mine[i], theirs[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode()
        {
            unchecked
            {
                var hash = 17;
                foreach (var item in _items ?? Array.Empty<T>())
                {
                    hash = (hash * 31) + (item is null ? 0 : item.GetHashCode());
                }

                return hash;
            }
        }

        /// <inheritdoc />
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Compares two arrays element by element.</summary>
        /// <param name="left">First array.</param>
        /// <param name="right">Second array.</param>
        public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

        /// <summary>Compares two arrays element by element.</summary>
        /// <param name="left">First array.</param>
        /// <param name="right">Second array.</param>
        public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

        /// <summary>Wraps an array (copied) as an equatable array.</summary>
        /// <param name="items">The elements.</param>
        public static implicit operator EquatableArray<T>(T[] items) => new EquatableArray<T>(items);

        /// <summary>A readable form, e.g. <c>[a, b]</c>.</summary>
        public override string ToString() => "[" + string.Join(", ", this.Select(i => i?.ToString())) + "]";
    }

    /// <summary>Helpers to build <see cref="EquatableArray{T}"/> values.</summary>
    public static class EquatableArray
    {
        /// <summary>Creates an equatable array from the given items.</summary>
        /// <typeparam name="T">Element type.</typeparam>
        /// <param name="items">The elements, in order.</param>
        public static EquatableArray<T> Create<T>(params T[] items)
            where T : IEquatable<T> => new EquatableArray<T>(items);

        /// <summary>Copies a sequence into an equatable array.</summary>
        /// <typeparam name="T">Element type.</typeparam>
        /// <param name="items">The elements, in order.</param>
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
            where T : IEquatable<T> => new EquatableArray<T>(items);
    }
}
