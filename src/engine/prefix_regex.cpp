// PrefixRegex: pattern -> syntax tree -> Thompson NFA over bytes -> DFA by subset construction.
#include "prefix_regex.hpp"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace odibi::engine {

namespace {

constexpr int MAX_REPEAT = 100;
constexpr size_t MAX_NFA_STATES = 20000;
constexpr size_t MAX_DFA_STATES = 4000;

using ByteSet = std::bitset<256>;

// Syntax outside the subset (or a pattern RE2 would reject): Compile gives up.
struct Unsupported {};

struct Node {
    enum class Kind : uint8_t { EMPTY, BYTES, ANY_MULTIBYTE_OR, CONCAT, ALTERNATE, REPEAT, BEGIN, END };
    Kind kind = Kind::EMPTY;
    ByteSet bytes;                               ///< BYTES, ANY_MULTIBYTE_OR (its ASCII part)
    std::vector<std::unique_ptr<Node>> children; ///< CONCAT, ALTERNATE, REPEAT (one)
    int min = 0;
    int max = -1; ///< REPEAT; -1 = unbounded
};

using NodePtr = std::unique_ptr<Node>;

NodePtr MakeNode(Node::Kind kind) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    return node;
}

NodePtr Bytes(const ByteSet& bytes) {
    auto node = MakeNode(Node::Kind::BYTES);
    node->bytes = bytes;
    return node;
}

// An ASCII set; `negated` complements it within ASCII and adds every non-ASCII character.
NodePtr CharacterSet(ByteSet ascii, bool negated) {
    if (!negated) {
        return Bytes(ascii);
    }
    ByteSet complement;
    for (int byte = 0; byte < 128; ++byte) {
        complement.set(byte, !ascii.test(byte));
    }
    auto node = MakeNode(Node::Kind::ANY_MULTIBYTE_OR);
    node->bytes = complement;
    return node;
}

ByteSet Range(int first, int last) {
    ByteSet set;
    for (int byte = first; byte <= last; ++byte) {
        set.set(byte);
    }
    return set;
}

ByteSet Digits() {
    return Range('0', '9');
}

ByteSet WordCharacters() {
    return Digits() | Range('A', 'Z') | Range('a', 'z') | Range('_', '_');
}

// RE2's \s: [\t\n\f\r ] (no \v).
ByteSet Spaces() {
    ByteSet set;
    for (char c : {'\t', '\n', '\f', '\r', ' '}) {
        set.set(static_cast<unsigned char>(c));
    }
    return set;
}

bool IsHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}

class Parser {
public:
    explicit Parser(std::string_view pattern) : pattern_(pattern) {}

    NodePtr Parse() {
        NodePtr node = Alternation();
        if (!AtEnd()) {
            throw Unsupported{}; // an unmatched ')'
        }
        return node;
    }

private:
    [[nodiscard]] bool AtEnd() const { return position_ >= pattern_.size(); }
    [[nodiscard]] char Peek() const { return pattern_[position_]; }
    char Take() {
        if (AtEnd()) {
            throw Unsupported{};
        }
        return pattern_[position_++];
    }

    NodePtr Alternation() {
        auto first = Concatenation();
        if (AtEnd() || Peek() != '|') {
            return first;
        }
        auto node = MakeNode(Node::Kind::ALTERNATE);
        node->children.push_back(std::move(first));
        while (!AtEnd() && Peek() == '|') {
            ++position_;
            node->children.push_back(Concatenation());
        }
        return node;
    }

    NodePtr Concatenation() {
        auto node = MakeNode(Node::Kind::CONCAT);
        while (!AtEnd() && Peek() != '|' && Peek() != ')') {
            node->children.push_back(Repetition());
        }
        return node;
    }

    NodePtr Repetition() {
        NodePtr atom = Atom();
        while (!AtEnd()) {
            int min = 0;
            int max = -1;
            char c = Peek();
            if (c == '*') {
                ++position_;
            } else if (c == '+') {
                ++position_;
                min = 1;
            } else if (c == '?') {
                ++position_;
                max = 1;
            } else if (c == '{' && CountedRepetition(min, max)) {
                // parsed
            } else {
                break;
            }
            if (!AtEnd() && Peek() == '?') {
                ++position_; // lazy: the same texts match
            }
            if (atom->kind == Node::Kind::REPEAT || atom->kind == Node::Kind::BEGIN || atom->kind == Node::Kind::END) {
                throw Unsupported{}; // RE2 rejects `a**`; a repeated assertion is not worth supporting
            }
            auto repeat = MakeNode(Node::Kind::REPEAT);
            repeat->min = min;
            repeat->max = max;
            repeat->children.push_back(std::move(atom));
            atom = std::move(repeat);
        }
        return atom;
    }

    // {n}, {n,}, {n,m}; anything else leaves the position alone and is a literal '{' (as in RE2).
    bool CountedRepetition(int& min, int& max) {
        size_t at = position_ + 1;
        auto number = [&](int& value) {
            size_t start = at;
            value = 0;
            while (at < pattern_.size() && pattern_[at] >= '0' && pattern_[at] <= '9') {
                value = value * 10 + (pattern_[at] - '0');
                if (value > MAX_REPEAT) {
                    throw Unsupported{};
                }
                ++at;
            }
            return at > start;
        };
        if (!number(min)) {
            return false;
        }
        max = min;
        if (at < pattern_.size() && pattern_[at] == ',') {
            ++at;
            if (!number(max)) {
                max = -1;
            }
        }
        if (at >= pattern_.size() || pattern_[at] != '}') {
            return false;
        }
        if (max != -1 && max < min) {
            throw Unsupported{};
        }
        position_ = at + 1;
        return true;
    }

    NodePtr Atom() {
        char c = Take();
        switch (c) {
        case '(':
            return Group();
        case '[':
            return Class();
        case '.': {
            ByteSet newline;
            newline.set('\n');
            return CharacterSet(newline, true);
        }
        case '^':
            return MakeNode(Node::Kind::BEGIN);
        case '$':
            return MakeNode(Node::Kind::END);
        case '\\':
            return Escape();
        case '*':
        case '+':
        case '?':
        case ')':
            throw Unsupported{};
        default:
            return Literal(c);
        }
    }

    // One character written as itself: its UTF-8 bytes in sequence.
    NodePtr Literal(char first) {
        auto lead = static_cast<unsigned char>(first);
        if (lead < 0x80) {
            ByteSet set;
            set.set(lead);
            return Bytes(set);
        }
        int continuation = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
        if (continuation < 0) {
            throw Unsupported{};
        }
        auto node = MakeNode(Node::Kind::CONCAT);
        ByteSet set;
        set.set(lead);
        node->children.push_back(Bytes(set));
        for (int index = 0; index < continuation; ++index) {
            auto byte = static_cast<unsigned char>(Take());
            if ((byte & 0xC0) != 0x80) {
                throw Unsupported{};
            }
            ByteSet next;
            next.set(byte);
            node->children.push_back(Bytes(next));
        }
        return node;
    }

    NodePtr Group() {
        if (!AtEnd() && Peek() == '?') {
            ++position_;
            char kind = Take();
            if (kind == 'P' && !AtEnd() && Peek() == '<') {
                while (Take() != '>') {
                }
            } else if (kind != ':') {
                throw Unsupported{}; // flags such as (?i), look-around
            }
        }
        NodePtr node = Alternation();
        if (Take() != ')') {
            throw Unsupported{};
        }
        return node;
    }

    // An escape outside a class.
    NodePtr Escape() {
        char c = Take();
        switch (c) {
        case 'd':
            return Bytes(Digits());
        case 'D':
            return CharacterSet(Digits(), true);
        case 'w':
            return Bytes(WordCharacters());
        case 'W':
            return CharacterSet(WordCharacters(), true);
        case 's':
            return Bytes(Spaces());
        case 'S':
            return CharacterSet(Spaces(), true);
        case 'A':
            return MakeNode(Node::Kind::BEGIN);
        case 'z':
            return MakeNode(Node::Kind::END);
        default: {
            ByteSet set;
            set.set(EscapedByte(c));
            return Bytes(set);
        }
        }
    }

    // An escape that stands for one ASCII byte (inside or outside a class).
    unsigned char EscapedByte(char c) {
        switch (c) {
        case 't':
            return '\t';
        case 'n':
            return '\n';
        case 'r':
            return '\r';
        case 'f':
            return '\f';
        case 'v':
            return '\v';
        case 'a':
            return '\a';
        case 'x': {
            char high = Take();
            char low = Take();
            if (!IsHex(high) || !IsHex(low)) {
                throw Unsupported{}; // \x{...} and short forms
            }
            int value = HexValue(high) * 16 + HexValue(low);
            if (value >= 0x80) {
                throw Unsupported{};
            }
            return static_cast<unsigned char>(value);
        }
        default:
            break;
        }
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x80 && !std::isalnum(byte)) {
            return byte; // escaped punctuation
        }
        throw Unsupported{}; // \b \B \p \Q \C, backreferences, octal, ...
    }

    NodePtr Class() {
        bool negated = false;
        if (!AtEnd() && Peek() == '^') {
            negated = true;
            ++position_;
        }
        ByteSet set;
        bool first = true;
        while (true) {
            char c = Take();
            if (c == ']' && !first) {
                break;
            }
            first = false;
            if (c == '[' && !AtEnd() && Peek() == ':') {
                throw Unsupported{}; // [[:alpha:]]
            }
            int low = 0;
            if (c == '\\') {
                char escaped = Take();
                if (escaped == 'd' || escaped == 'w' || escaped == 's') {
                    set |= escaped == 'd' ? Digits() : escaped == 'w' ? WordCharacters() : Spaces();
                    continue;
                }
                low = EscapedByte(escaped);
            } else {
                low = static_cast<unsigned char>(c);
            }
            if (low >= 0x80) {
                throw Unsupported{};
            }
            int high = low;
            if (!AtEnd() && Peek() == '-' && position_ + 1 < pattern_.size() && pattern_[position_ + 1] != ']') {
                ++position_;
                char end = Take();
                high = end == '\\' ? EscapedByte(Take()) : static_cast<unsigned char>(end);
                if (high >= 0x80 || high < low) {
                    throw Unsupported{};
                }
            }
            set |= Range(low, high);
        }
        return CharacterSet(set, negated);
    }

    std::string_view pattern_;
    size_t position_ = 0;
};

// The NFA: states with a byte set and one successor, epsilon states, assertions and the match.
struct NfaState {
    enum class Kind : uint8_t { BYTES, EPSILON, BEGIN, END, MATCH };
    Kind kind = Kind::EPSILON;
    int set = -1; ///< BYTES: index into Nfa::sets
    std::vector<int> next;
};

struct Nfa {
    std::vector<NfaState> states;
    std::vector<ByteSet> sets;
    std::map<std::string, int> set_index;

    int Add(NfaState state) {
        if (states.size() >= MAX_NFA_STATES) {
            throw Unsupported{};
        }
        states.push_back(std::move(state));
        return static_cast<int>(states.size()) - 1;
    }

    int AddBytes(const ByteSet& bytes, int next) {
        std::string key = bytes.to_string();
        auto found = set_index.find(key);
        int index = 0;
        if (found == set_index.end()) {
            index = static_cast<int>(sets.size());
            sets.push_back(bytes);
            set_index.emplace(key, index);
        } else {
            index = found->second;
        }
        return Add({NfaState::Kind::BYTES, index, {next}});
    }

    // Compiles `node` so that it continues with state `next`; returns its first state.
    int Compile(const Node& node, int next) {
        switch (node.kind) {
        case Node::Kind::EMPTY:
            return next;
        case Node::Kind::BYTES:
            return AddBytes(node.bytes, next);
        case Node::Kind::ANY_MULTIBYTE_OR: {
            ByteSet continuation = Range(0x80, 0xBF);
            int two = AddBytes(Range(0xC2, 0xDF), AddBytes(continuation, next));
            int three = AddBytes(Range(0xE0, 0xEF), AddBytes(continuation, AddBytes(continuation, next)));
            int four = AddBytes(Range(0xF0, 0xF4),
                                AddBytes(continuation, AddBytes(continuation, AddBytes(continuation, next))));
            return Add({NfaState::Kind::EPSILON, -1, {AddBytes(node.bytes, next), two, three, four}});
        }
        case Node::Kind::CONCAT: {
            int start = next;
            for (auto child = node.children.rbegin(); child != node.children.rend(); ++child) {
                start = Compile(**child, start);
            }
            return start;
        }
        case Node::Kind::ALTERNATE: {
            NfaState split{NfaState::Kind::EPSILON, -1, {}};
            for (const auto& child : node.children) {
                split.next.push_back(Compile(*child, next));
            }
            return Add(std::move(split));
        }
        case Node::Kind::REPEAT:
            return CompileRepeat(*node.children.front(), node.min, node.max, next);
        case Node::Kind::BEGIN:
            return Add({NfaState::Kind::BEGIN, -1, {next}});
        case Node::Kind::END:
            return Add({NfaState::Kind::END, -1, {next}});
        }
        throw Unsupported{};
    }

    int CompileRepeat(const Node& body, int min, int max, int next) {
        int start = next;
        if (max == -1) {
            // body* : a loop state that either runs the body (back to itself) or goes on.
            int loop = Add({NfaState::Kind::EPSILON, -1, {}});
            int body_start = Compile(body, loop);
            states[loop].next = {body_start, next};
            start = loop;
        } else {
            for (int optional = 0; optional < max - min; ++optional) {
                start = Add({NfaState::Kind::EPSILON, -1, {Compile(body, start), next}});
            }
        }
        for (int required = 0; required < min; ++required) {
            start = Compile(body, start);
        }
        return start;
    }
};

using StateSet = std::vector<int>; // sorted NFA state indices

// Every state reachable without reading a byte; BEGIN assertions hold only at the start of the text,
// END only at its end.
StateSet Closure(const Nfa& nfa, const StateSet& from, bool at_begin, bool at_end) {
    std::vector<bool> seen(nfa.states.size(), false);
    std::vector<int> stack(from.begin(), from.end());
    StateSet result;
    while (!stack.empty()) {
        int index = stack.back();
        stack.pop_back();
        if (seen[index]) {
            continue;
        }
        seen[index] = true;
        result.push_back(index);
        const NfaState& state = nfa.states[index];
        bool follow = state.kind == NfaState::Kind::EPSILON || (state.kind == NfaState::Kind::BEGIN && at_begin) ||
                      (state.kind == NfaState::Kind::END && at_end);
        if (follow) {
            stack.insert(stack.end(), state.next.begin(), state.next.end());
        }
    }
    std::sort(result.begin(), result.end());
    return result;
}

bool HasMatch(const Nfa& nfa, const StateSet& set) {
    return std::any_of(
        set.begin(), set.end(), [&](int index) { return nfa.states[index].kind == NfaState::Kind::MATCH; });
}

} // namespace

std::optional<PrefixRegex> PrefixRegex::Compile(std::string_view pattern) {
    Nfa nfa;
    int start_state = 0;
    try {
        NodePtr tree = Parser(pattern).Parse();
        int match = nfa.Add({NfaState::Kind::MATCH, -1, {}});
        start_state = nfa.Compile(*tree, match);
    } catch (const Unsupported&) {
        return std::nullopt;
    }

    PrefixRegex regex;
    // Bytes that every byte set treats alike share a class (a column of the transition table).
    std::map<std::string, uint8_t> classes;
    std::vector<int> representative;
    for (int byte = 0; byte < 256; ++byte) {
        std::string signature;
        signature.reserve(nfa.sets.size());
        for (const auto& set : nfa.sets) {
            signature.push_back(set.test(byte) ? '1' : '0');
        }
        auto [found, inserted] = classes.emplace(signature, static_cast<uint8_t>(classes.size()));
        if (inserted) {
            representative.push_back(byte);
        }
        regex.byte_class_[byte] = found->second;
    }
    regex.class_count_ = static_cast<uint32_t>(representative.size());

    // Subset construction, breadth first; state 0 is the dead state.
    std::map<StateSet, uint32_t> index_of;
    std::vector<StateSet> pending;
    auto state_of = [&](StateSet set) -> std::optional<uint32_t> {
        if (set.empty()) {
            return 0;
        }
        auto found = index_of.find(set);
        if (found != index_of.end()) {
            return found->second;
        }
        if (index_of.size() + 1 >= MAX_DFA_STATES) {
            return std::nullopt;
        }
        auto index = static_cast<uint32_t>(index_of.size() + 1);
        index_of.emplace(set, index);
        pending.push_back(std::move(set));
        return index;
    };
    regex.next_.assign(regex.class_count_, 0);
    regex.accepts_.push_back(DEAD);
    auto start = state_of(Closure(nfa, {start_state}, true, false));
    regex.start_ = *start;
    for (size_t processed = 0; processed < pending.size(); ++processed) {
        StateSet current = pending[processed];
        uint8_t accepts = HasMatch(nfa, current) ? ACCEPTS_NOW : 0;
        if (HasMatch(nfa, Closure(nfa, current, false, true))) {
            accepts |= ACCEPTS_AT_END;
        }
        regex.accepts_.push_back(accepts);
        for (uint32_t klass = 0; klass < regex.class_count_; ++klass) {
            StateSet moved;
            for (int index : current) {
                const NfaState& state = nfa.states[index];
                if (state.kind == NfaState::Kind::BYTES && nfa.sets[state.set].test(representative[klass])) {
                    moved.push_back(state.next.front());
                }
            }
            std::sort(moved.begin(), moved.end());
            moved.erase(std::unique(moved.begin(), moved.end()), moved.end());
            auto next = state_of(moved.empty() ? StateSet{} : Closure(nfa, moved, false, false));
            if (!next) {
                return std::nullopt;
            }
            regex.next_.push_back(*next);
        }
    }
    Renumber(regex);
    return regex;
}

void PrefixRegex::Renumber(PrefixRegex& regex) {
    auto states = static_cast<uint32_t>(regex.accepts_.size());
    uint32_t classes = regex.class_count_;
    std::vector<uint32_t> order; // new number -> old number
    for (bool settled : {true, false}) {
        for (uint32_t old = 0; old < states; ++old) {
            if (((regex.accepts_[old] & (ACCEPTS_NOW | DEAD)) != 0) == settled) {
                order.push_back(old);
            }
        }
        if (settled) {
            regex.settled_limit_ = static_cast<uint32_t>(order.size()) * classes;
        }
    }
    std::vector<uint32_t> renumbered(states);
    for (uint32_t number = 0; number < states; ++number) {
        renumbered[order[number]] = number;
    }
    std::vector<uint32_t> next(regex.next_.size());
    std::vector<uint8_t> accepts(states);
    for (uint32_t number = 0; number < states; ++number) {
        uint32_t old = order[number];
        accepts[number] = regex.accepts_[old];
        for (uint32_t klass = 0; klass < classes; ++klass) {
            next[number * classes + klass] = renumbered[regex.next_[old * classes + klass]] * classes;
        }
    }
    regex.next_ = std::move(next);
    regex.accepts_ = std::move(accepts);
    regex.start_ = renumbered[regex.start_] * classes;
}

} // namespace odibi::engine
