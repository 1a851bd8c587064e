using System.Text;

namespace Workflows.Executors.Docker;

/// <summary>
/// Turns one output stream's chunks of bytes into lines: a line or a UTF-8 character may be split across chunks
/// (Docker frames), so the unfinished tail is kept until its line break arrives or <see cref="Flush"/> is called.
/// A CR before the LF is dropped. Not thread-safe: one per stream.
/// </summary>
internal sealed class LineAssembler
{
    /// <summary>The longest line kept whole; longer ones are emitted in pieces of this many characters.</summary>
    internal const int MaxLineLength = 64 * 1024;

    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly StringBuilder _pending = new();
    private readonly Action<string> _emit;
    private char[] _chars = new char[1024];

    /// <summary>Creates an assembler that hands each complete line (without its line break) to <paramref name="emit"/>.</summary>
    /// <param name="emit">Receives the lines in order.</param>
    public LineAssembler(Action<string> emit) => _emit = emit;

    /// <summary>Adds a chunk; emits every line it completes.</summary>
    /// <param name="bytes">The chunk.</param>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var count = _decoder.GetChars(bytes, _chars, flush: false);
        var text = _chars.AsSpan(0, count);
        while (true)
        {
            var newline = text.IndexOf('\n');
            if (newline < 0)
            {
                _pending.Append(text);
                while (_pending.Length >= MaxLineLength)
                {
                    // Output that never breaks its line (a binary dump, a progress bar) is cut, not buffered without bound.
                    _emit(_pending.ToString(0, MaxLineLength));
                    _pending.Remove(0, MaxLineLength);
                }

                return;
            }

            _pending.Append(text[..newline]);
            EmitPending();
            text = text[(newline + 1)..];
        }
    }

    /// <summary>Emits the unfinished last line, if any (the stream ended without a final line break).</summary>
    public void Flush()
    {
        var tail = new char[_decoder.GetCharCount([], flush: true)];
        _decoder.GetChars([], tail, flush: true);
        _pending.Append(tail);
        if (_pending.Length > 0)
        {
            EmitPending();
        }
    }

    private void EmitPending()
    {
        if (_pending.Length > 0 && _pending[^1] == '\r')
        {
            _pending.Length--;
        }

        _emit(_pending.ToString());
        _pending.Clear();
    }
}
