using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SelfTrain.Infra.Tests;

/// <summary>
/// A value known only at deployment (a resource reference, a key, a unique string), kept as its expression text so
/// tests can still see where it comes from, e.g. <c>reference('storage').outputs.id.value</c>.
/// </summary>
internal sealed record Unresolved(string Expression)
{
    public override string ToString() => $"«{Expression}»";
}

/// <summary>
/// Evaluates the subset of ARM template expressions the compiled Bicep uses for names and settings (format, concat,
/// createObject, union, if, equals, items, length, variables, parameters, copyIndex...). Anything that needs Azure
/// (reference, listKeys, uniqueString, guid...) evaluates to an <see cref="Unresolved"/> value.
/// Values are strings, longs, bools, null, <c>Dictionary&lt;string, object?&gt;</c>, <c>List&lt;object?&gt;</c> or Unresolved.
/// </summary>
internal static class ArmExpression
{
    public interface IContext
    {
        object? Parameter(string name);
        object? Variable(string name);
        long CopyIndex();
    }

    /// <summary>True when an ARM string holds an expression ("[...]" but not the "[[" escape).</summary>
    public static bool IsExpression(string value) =>
        value.Length >= 2 && value[0] == '[' && value[^1] == ']' && value[1] != '[';

    /// <summary>Evaluates an ARM string: an expression is evaluated, "[[" is unescaped, anything else is literal.</summary>
    public static object? EvaluateString(string value, IContext context)
    {
        if (IsExpression(value)) return Evaluate(value[1..^1], context);
        return value.StartsWith("[[", StringComparison.Ordinal) ? value[1..] : value;
    }

    public static object? Evaluate(string expression, IContext context)
    {
        var parser = new Parser(expression);
        var node = parser.ParseExpression();
        parser.ExpectEnd();
        return Eval(node, context);
    }

    /// <summary>How a value reads inside a formatted string; unresolved parts are shown in «».</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        Unresolved u => u.ToString(),
        _ => JsonSerializer.Serialize(value),
    };

    private abstract record Node(string Text);
    private sealed record Literal(string Text, object? Value) : Node(Text);
    private sealed record Call(string Text, string Name, IReadOnlyList<Node> Arguments) : Node(Text);
    private sealed record Member(string Text, Node Target, string Name) : Node(Text);
    private sealed record Index(string Text, Node Target, Node Key) : Node(Text);

    private static object? Eval(Node node, IContext context) => node switch
    {
        Literal literal => literal.Value,
        Member member => Eval(member.Target, context) switch
        {
            Unresolved u => new Unresolved($"{u.Expression}.{member.Name}"),
            Dictionary<string, object?> d => d.TryGetValue(member.Name, out var v)
                ? v
                : throw new KeyNotFoundException($"'{member.Name}' is not a property of the value of {member.Target.Text}"),
            var other => throw new InvalidOperationException($"cannot read .{member.Name} of {Text(other)} ({node.Text})"),
        },
        Index index => (Eval(index.Target, context), Eval(index.Key, context)) switch
        {
            (Unresolved u, var key) => new Unresolved($"{u.Expression}[{Text(key)}]"),
            (_, Unresolved key) => new Unresolved($"{index.Target.Text}[{key.Expression}]"),
            (Dictionary<string, object?> d, string key) => d[key],
            (List<object?> list, long i) => list[checked((int)i)],
            var (target, key) => throw new InvalidOperationException($"cannot index {Text(target)} with {Text(key)}"),
        },
        Call call => EvalCall(call, context),
        _ => throw new InvalidOperationException(node.Text),
    };

    private static object? EvalCall(Call call, IContext context)
    {
        object? Arg(int i) => Eval(call.Arguments[i], context);
        List<object?> Args() => call.Arguments.Select(a => Eval(a, context)).ToList();
        var unresolved = new Unresolved(call.Text);

        switch (call.Name.ToLowerInvariant())
        {
            case "parameters": return context.Parameter((string)Arg(0)!);
            case "variables": return context.Variable((string)Arg(0)!);
            case "copyindex":
                return context.CopyIndex() + (call.Arguments.Count > 0 && Arg(call.Arguments.Count - 1) is long offset ? offset : 0);
            case "true": return true;
            case "false": return false;
            case "null": return null;
            case "if":
                return Arg(0) switch { true => Arg(1), false => Arg(2), _ => unresolved };
            case "equals":
            {
                var (a, b) = (Arg(0), Arg(1));
                return a is Unresolved || b is Unresolved ? unresolved : JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
            }
            case "not": return Arg(0) is bool truth ? !truth : unresolved;
            case "and": return Args() is var all && all.All(v => v is bool) ? all.All(v => (bool)v!) : unresolved;
            case "or": return Args() is var any && any.All(v => v is bool) ? any.Any(v => (bool)v!) : unresolved;
            case "empty":
                return Arg(0) switch
                {
                    null => true,
                    string s => s.Length == 0,
                    List<object?> l => l.Count == 0,
                    Dictionary<string, object?> d => d.Count == 0,
                    _ => unresolved,
                };
            case "length":
                return Arg(0) switch
                {
                    string s => (long)s.Length,
                    List<object?> l => (long)l.Count,
                    Dictionary<string, object?> d => (long)d.Count,
                    _ => unresolved,
                };
            case "format":
            {
                var args = Args();
                if (args[0] is not string format) return unresolved;
                var text = new StringBuilder();
                for (var i = 0; i < format.Length; i++)
                {
                    var c = format[i];
                    if (c == '{' && i + 1 < format.Length && format[i + 1] == '{') { text.Append('{'); i++; }
                    else if (c == '}' && i + 1 < format.Length && format[i + 1] == '}') { text.Append('}'); i++; }
                    else if (c == '{')
                    {
                        var end = format.IndexOf('}', i);
                        var n = int.Parse(format[(i + 1)..end].Split(':')[0], CultureInfo.InvariantCulture);
                        text.Append(Text(args[n + 1]));
                        i = end;
                    }
                    else text.Append(c);
                }
                return text.ToString();
            }
            case "concat":
            {
                var args = Args();
                if (args.All(a => a is List<object?>)) return args.SelectMany(a => (List<object?>)a!).ToList();
                return string.Concat(args.Select(Text));
            }
            case "tolower": return Arg(0) switch { string s => s.ToLowerInvariant(), _ => unresolved };
            case "toupper": return Arg(0) switch { string s => s.ToUpperInvariant(), _ => unresolved };
            case "createobject":
            {
                var args = Args();
                var result = new Dictionary<string, object?>();
                for (var i = 0; i < args.Count; i += 2) result[(string)args[i]!] = args[i + 1];
                return result;
            }
            case "createarray": return Args();
            case "union":
            {
                var args = Args();
                if (args.Any(a => a is Unresolved)) return unresolved;
                if (args.All(a => a is List<object?>)) return args.SelectMany(a => (List<object?>)a!).Distinct().ToList();
                var result = new Dictionary<string, object?>();
                foreach (var dictionary in args.Cast<Dictionary<string, object?>>())
                    foreach (var (key, value) in dictionary) result[key] = value;
                return result;
            }
            case "items":
                return Arg(0) switch
                {
                    Dictionary<string, object?> d => d.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                        .Select(p => (object?)new Dictionary<string, object?> { ["key"] = p.Key, ["value"] = p.Value }).ToList(),
                    _ => unresolved,
                };
            case "subscriptionresourceid":
            {
                // The one form the templates use: a built-in role definition, whose last segment is a well-known GUID.
                var args = Args();
                if (args.Any(a => a is not string)) return unresolved;
                var parts = args.Cast<string>().ToList();
                return $"/subscriptions/«subscription().subscriptionId»/providers/{parts[0]}/{string.Join('/', parts.Skip(1))}";
            }
            case "resourceid":
            {
                // The form the templates use: a type and one name per type segment, in the deployment's resource group.
                var args = Args();
                if (args.Any(a => a is not string)) return unresolved;
                var parts = args.Cast<string>().ToList();
                var type = parts[0].Split('/');
                if (type.Length - 1 != parts.Count - 1) return unresolved;
                var path = string.Concat(type.Skip(1).Zip(parts.Skip(1), (segment, name) => $"/{segment}/{name}"));
                return $"/subscriptions/«subscription().subscriptionId»/resourceGroups/«resourceGroup().name»/providers/{type[0]}{path}";
            }
            default:
                // reference, list*, uniqueString, guid, subscription, tenant, deployment...
                return unresolved;
        }
    }

    private sealed class Parser(string source)
    {
        private int _position;

        public Node ParseExpression()
        {
            var start = Position();
            Node node = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (Peek('.'))
                {
                    _position++;
                    var name = Identifier();
                    node = new Member(source[start.._position], node, name);
                }
                else if (Peek('['))
                {
                    _position++;
                    var key = ParseExpression();
                    Expect(']');
                    node = new Index(source[start.._position], node, key);
                }
                else return node;
            }
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_position != source.Length) throw Error("end of expression");
        }

        private Node ParsePrimary()
        {
            var start = Position();
            if (Peek('\''))
            {
                _position++;
                var text = new StringBuilder();
                while (true)
                {
                    if (_position >= source.Length) throw Error("closing quote");
                    var c = source[_position++];
                    if (c != '\'') { text.Append(c); continue; }
                    if (Peek('\'')) { text.Append('\''); _position++; continue; }
                    break;
                }
                return new Literal(source[start.._position], text.ToString());
            }
            if (_position < source.Length && (char.IsAsciiDigit(source[_position]) || source[_position] == '-'))
            {
                _position++;
                while (_position < source.Length && char.IsAsciiDigit(source[_position])) _position++;
                return new Literal(source[start.._position], long.Parse(source[start.._position], CultureInfo.InvariantCulture));
            }
            var name = Identifier();
            Expect('(');
            var arguments = new List<Node>();
            SkipSpace();
            if (!Peek(')'))
            {
                do
                {
                    arguments.Add(ParseExpression());
                    SkipSpace();
                } while (TryConsume(','));
            }
            Expect(')');
            return new Call(source[start.._position], name, arguments);
        }

        private int Position()
        {
            SkipSpace();
            return _position;
        }

        private string Identifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < source.Length && (char.IsAsciiLetterOrDigit(source[_position]) || source[_position] is '_' or '$'))
                _position++;
            if (start == _position) throw Error("an identifier");
            return source[start.._position];
        }

        private bool Peek(char c) => _position < source.Length && source[_position] == c;

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (!Peek(c)) return false;
            _position++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"'{c}'");
        }

        private void SkipSpace()
        {
            while (_position < source.Length && char.IsWhiteSpace(source[_position])) _position++;
        }

        private FormatException Error(string expected) =>
            new($"expected {expected} at {_position} in ARM expression: {source}");
    }
}
