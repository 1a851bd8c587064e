using Workflows.Yaml;

namespace Workflows.Templates.Tests;

/// <summary>
/// A template cannot make the renderer allocate without bound: a printf width or precision, Scriban's padding and
/// formats, and the output as a whole stop at <see cref="TemplateRenderer.OutputLimit"/> with a
/// <see cref="TemplateRenderException"/> naming the limit (which fails the attempt, not the worker).
/// </summary>
public class RenderLimitTests
{
    private static string Render(string template) =>
        TemplateRenderer.Render(template, new TemplateScope(new Dictionary<string, string>(), DateTimeOffset.UnixEpoch, new Random(1)));

    [Fact]
    public void The_limit_is_one_mebi_character() => Assert.Equal(1_048_576, TemplateRenderer.OutputLimit);

    [Fact]
    public void A_printf_width_of_two_billion_fails_before_allocating()
    {
        // The old printf appended 2e9 spaces: the host grew to 5 GB.
        var e = Assert.Throws<TemplateRenderException>(() => Render("{{ printf \"%2000000000d\" 1 }}"));
        Assert.Contains("the printf width 2000000000 in '%2000000000d' exceeds the limit of 1,048,576 characters a template may render", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_go_spelling_translates_to_the_same_bounded_printf()
    {
        var scriban = GoTemplateTranslator.Translate("exit {{ printf \"%2000000000d\" 1 }}").Scriban!;
        var e = Assert.Throws<TemplateRenderException>(() => Render(scriban));
        Assert.Contains("exceeds the limit of 1,048,576 characters", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ printf \"%2000000d\" 1 }}", "width 2000000")]
    [InlineData("{{ printf \"%-2000000s|\" \"a\" }}", "width 2000000")]
    [InlineData("{{ printf \"%.2000000f\" 1.5 }}", "precision 2000000")]
    [InlineData("{{ printf \"%99999999999d\" 1 }}", "width 99999999999")]
    public void A_printf_width_or_precision_past_the_limit_fails_naming_it(string template, string named)
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render(template));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains("1,048,576", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Printf_fields_that_add_up_past_the_limit_fail()
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render("{{ printf \"%1000000d%1000000d\" 1 2 }}"));
        Assert.Contains("'printf' renders more than the limit of 1,048,576 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_printf_exactly_at_the_limit_renders()
    {
        Assert.Equal(1_048_576, Render("{{ printf \"%1048576d\" 7 }}").Length);
    }

    [Theory]
    [InlineData("{{ \"x\" | string.pad_left 2000000000 }}")]
    [InlineData("{{ \"x\" | string.pad_right 2000000000 }}")]
    [InlineData("{{ 1 | math.format \"D2000000000\" }}")]
    public void Scriban_padding_and_formats_past_the_limit_fail(string template)
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render(template));
        Assert.Contains("1,048,576", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_past_the_limit_fails_instead_of_being_cut_short()
    {
        // The old renderer cut the output at 1 Mi characters without a word: a script would run truncated.
        var e = Assert.Throws<TemplateRenderException>(() => Render("{{ for i in 1..2000 }}{{ \"x\" | string.pad_left 1000 }}{{ end }}"));
        Assert.Contains("passes the limit of 1,048,576 characters a template may render", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_built_past_the_limit_by_doubling_fails()
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render("{{ s = \"xxxxxxxxxxxxxxxx\"; for i in 1..40; s = s + s; end; s | string.size }}"));
        Assert.Contains("passes the limit of 1,048,576 characters a template may render", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ a = {y: 1}; a.x = a; printf \"%v\" a }}")]
    [InlineData("{{ a = {y: 1}; a.x = a; print a }}")]
    public void A_map_that_contains_itself_fails_to_print_instead_of_overflowing_the_stack(string template)
    {
        // The old %v followed the map into itself until the stack overflowed, killing the worker process.
        var e = Assert.Throws<TemplateRenderException>(() => Render(template));
        Assert.Contains("a map or list nested more than 20 levels deep, or one that contains itself, cannot be printed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_map_that_shares_its_parts_cannot_print_exponentially_much()
    {
        // Each level holds the one below four times: 4^15 leaves from a few lines of template.
        var e = Assert.Throws<TemplateRenderException>(() => Render("{{ a = {v: 'xxxxxxxx'}; for i in 1..15; a = {p: a, q: a, r: a, s: a}; end; printf \"%v\" a }}"));
        Assert.Contains("passes the limit of 1,048,576 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maps_and_lists_still_print_as_go_does()
    {
        Assert.Equal("map[a:1 b:map[c:x]]", Render("{{ printf \"%v\" {b: {c: 'x'}, a: 1} }}"));
    }

    [Fact]
    public void Deep_parentheses_and_blocks_do_not_parse_instead_of_overflowing_the_stack()
    {
        // Scriban's parser stops at 250 levels (ParserOptions.ExpressionDepthLimit); this pins that it still does.
        var parens = Assert.Throws<TemplateRenderException>(() => Render("{{ " + new string('(', 20_000) + "1" + new string(')', 20_000) + " }}"));
        Assert.Contains("does not parse", parens.Message, StringComparison.Ordinal);
        var blocks = Assert.Throws<TemplateRenderException>(() => Render(string.Concat(Enumerable.Repeat("{{ if true }}", 20_000)) + "x" + string.Concat(Enumerable.Repeat("{{ end }}", 20_000))));
        Assert.Contains("does not parse", blocks.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ replace (printf \"%1000000d\" 1) \"\" (printf \"%1000000d\" 1) }}")] // empty old: ~10^12 characters asked for
    [InlineData("{{ replace (printf \"%1000000d\" 1) \" \" \"ab\" }}")] // every blank doubled past the limit
    public void A_replace_that_would_render_past_the_limit_fails_before_building_it(string template)
    {
        var e = Assert.Throws<TemplateRenderException>(() => Render(template));
        Assert.Contains("'replace' would render", e.Message, StringComparison.Ordinal);
        Assert.Contains("1,048,576", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replace_within_the_limit_still_renders_as_go_does() =>
        Assert.Equal("-a-b-", Render("{{ replace \"ab\" \"\" \"-\" }}"));
}
