package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aiccd/aiccd/journal"
)

// encoding/json matches an object's keys to struct fields ignoring case,
// and the last of two equal keys wins, so {"MSISDN": …} fills msisdn and
// {"limit":1,"limit":50} pages by 50. The platform's pages spell every
// field exactly, and a client that relies on either leniency here breaks
// there. Before a body is decoded, keyScan reads it once, token by token,
// against the target type's JSON field names: a key given twice in one
// object is refused, and a key that is not a field (in another case, or
// not at all) is ignored and reported, a differently cased one removed
// from the body so that the decoder cannot match it.

// shape is what the key check knows of a Go type's JSON form: the exact
// field names of a struct with the shape of each field's value, or the
// shape of a slice's or a map's elements. A nil *shape is a value whose
// keys are not checked against names (an interface, a type with its own
// UnmarshalJSON); its objects must still not repeat a key.
type shape struct {
	names  []string // a struct's exact JSON field names
	of     []*shape // the shape of each field's value, by index
	elem   *shape   // slices, arrays and maps: their elements
	object bool     // a struct: keys are its field names
}

// field returns the index of the field named key exactly, or -1. Request
// types have a few fields: comparing names is cheaper than hashing key.
func (s *shape) field(key []byte) int {
	for i, n := range s.names {
		if len(n) == len(key) && n == string(key) {
			return i
		}
	}
	return -1
}

// foldsTo reports whether key is a field name in another case, as
// encoding/json would match it (bytes.EqualFold).
func (s *shape) foldsTo(key []byte) bool {
	for _, n := range s.names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

var shapes sync.Map // reflect.Type → *shape

// shapeOf returns the shape of t, built once per type.
func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s := buildShape(t, map[reflect.Type]*shape{})
	shapes.Store(t, s)
	return s
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	if t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return buildShape(t.Elem(), building)
	case reflect.Slice, reflect.Array, reflect.Map:
		if e := buildShape(t.Elem(), building); e != nil {
			return &shape{elem: e}
		}
		return nil
	case reflect.Struct:
		if s, ok := building[t]; ok {
			return s // a recursive type
		}
		s := &shape{object: true}
		building[t] = s
		addFields(s, t, building)
		return s
	}
	return nil
}

// addFields adds t's fields to s by the names encoding/json gives them:
// the tag's name or the Go name, embedded structs' fields promoted unless
// a shallower field has the name.
func addFields(s *shape, t reflect.Type, building map[reflect.Type]*shape) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if s.field([]byte(name)) >= 0 {
			continue
		}
		s.names = append(s.names, name)
		s.of = append(s.of, buildShape(f.Type, building))
	}
	for _, et := range embedded {
		addFields(s, et, building)
	}
}

// maxJSONDepth is encoding/json's limit of nesting.
const maxJSONDepth = 10000

// errNotJSON marks a body that is not one JSON value (the decoder then
// says where), errNotObject one that is JSON but no object.
var (
	errNotJSON   = errors.New("not JSON")
	errNotObject = errors.New("not an object")
)

// span is a part of a body, from start up to end.
type span struct{ start, end int }

// pathNode is the last step of the path to a value: an object key as it
// is written between its quotes, or an array index; each reading of an
// object or array keeps its own on the stack, linked to its parent's.
type pathNode struct {
	parent  *pathNode
	key     []byte
	escaped bool
	index   int // an array element's index; -1 for an object key
}

// keyScan is one reading of a body.
type keyScan struct {
	data  []byte
	i     int
	depth int
	// dup is the path of the first key given twice in its object.
	dup string
	// ignored are the paths of keys no field reads (at most
	// journal.MaxIgnoredKeys of them), drops the members to remove
	// before decoding: those whose key is a field's name in another case.
	ignored []string
	drops   []span
}

// scan reads body, which must be one JSON object, against s. It returns
// errNotJSON for anything encoding/json would not parse, and errNotObject
// for JSON that is not an object.
func (k *keyScan) scan(body []byte, s *shape) error {
	*k = keyScan{data: body}
	k.space()
	if k.i < len(k.data) && k.data[k.i] != '{' {
		// Valid JSON or not, it is no object; which of the two
		// decides the message.
		if err := k.value(nil, true, nil); err == nil && k.end() {
			return errNotObject
		}
		return errNotJSON
	}
	if err := k.value(s, false, nil); err != nil {
		return err
	}
	if !k.end() {
		return errNotJSON
	}
	return nil
}

func (k *keyScan) end() bool {
	k.space()
	return k.i == len(k.data)
}

func (k *keyScan) space() {
	for k.i < len(k.data) {
		switch k.data[k.i] {
		case ' ', '\t', '\n', '\r':
			k.i++
		default:
			return
		}
	}
}

// value reads one JSON value of shape s at path. skip reads it only for
// its syntax: it is not read by the decoder, so its keys do not matter.
func (k *keyScan) value(s *shape, skip bool, path *pathNode) error {
	k.space()
	if k.i >= len(k.data) {
		return errNotJSON
	}
	switch c := k.data[k.i]; {
	case c == '{':
		return k.object(s, skip, path)
	case c == '[':
		return k.array(s, skip, path)
	case c == '"':
		_, _, err := k.str()
		return err
	case c == '-' || c >= '0' && c <= '9':
		return k.number()
	case c == 't':
		return k.literal("true")
	case c == 'f':
		return k.literal("false")
	case c == 'n':
		return k.literal("null")
	}
	return errNotJSON
}

func (k *keyScan) literal(word string) error {
	if !bytes.HasPrefix(k.data[k.i:], []byte(word)) {
		return errNotJSON
	}
	k.i += len(word)
	return nil
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (k *keyScan) number() error {
	d := k.data
	if d[k.i] == '-' {
		k.i++
	}
	switch {
	case k.i < len(d) && d[k.i] == '0':
		k.i++
	case k.i < len(d) && d[k.i] >= '1' && d[k.i] <= '9':
		k.digits()
	default:
		return errNotJSON
	}
	if k.i < len(d) && d[k.i] == '.' {
		k.i++
		if !k.digits() {
			return errNotJSON
		}
	}
	if k.i < len(d) && (d[k.i] == 'e' || d[k.i] == 'E') {
		k.i++
		if k.i < len(d) && (d[k.i] == '+' || d[k.i] == '-') {
			k.i++
		}
		if !k.digits() {
			return errNotJSON
		}
	}
	return nil
}

func (k *keyScan) digits() bool {
	start := k.i
	for k.i < len(k.data) && k.data[k.i] >= '0' && k.data[k.i] <= '9' {
		k.i++
	}
	return k.i > start
}

// str reads a string and returns its contents as written, and whether
// they hold an escape.
func (k *keyScan) str() (raw []byte, escaped bool, err error) {
	d := k.data
	start := k.i + 1
	for i := start; i < len(d); {
		switch c := d[i]; {
		case c == '"':
			k.i = i + 1
			return d[start:i], escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return nil, false, errNotJSON
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) {
					return nil, false, errNotJSON
				}
				for _, h := range d[i+2 : i+6] {
					if !isHex(h) {
						return nil, false, errNotJSON
					}
				}
				i += 6
			default:
				return nil, false, errNotJSON
			}
		case c < 0x20:
			return nil, false, errNotJSON
		default:
			i++
		}
	}
	return nil, false, errNotJSON
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (k *keyScan) array(s *shape, skip bool, path *pathNode) error {
	if k.depth++; k.depth > maxJSONDepth {
		return errNotJSON
	}
	k.i++ // [
	var elem *shape
	if s != nil {
		elem = s.elem
	}
	k.space()
	if k.i < len(k.data) && k.data[k.i] == ']' {
		k.i++
		k.depth--
		return nil
	}
	node := pathNode{parent: path}
	for ; ; node.index++ {
		if err := k.value(elem, skip, &node); err != nil {
			return err
		}
		k.space()
		if k.i >= len(k.data) {
			return errNotJSON
		}
		switch k.data[k.i] {
		case ',':
			k.i++
		case ']':
			k.i++
			k.depth--
			return nil
		default:
			return errNotJSON
		}
	}
}

// object reads an object of shape s (a struct's fields, a map's values,
// or unchecked names), member by member.
func (k *keyScan) object(s *shape, skip bool, path *pathNode) error {
	if k.depth++; k.depth > maxJSONDepth {
		return errNotJSON
	}
	k.i++ // {
	k.space()
	if k.i < len(k.data) && k.data[k.i] == '}' {
		k.i++
		k.depth--
		return nil
	}
	var seen seenKeys
	keptComma := -1 // the comma after the last member kept, if any
	node := pathNode{parent: path, index: -1}
	for {
		k.space()
		if k.i >= len(k.data) || k.data[k.i] != '"' {
			return errNotJSON
		}
		keyStart := k.i
		raw, escaped, err := k.str()
		if err != nil {
			return err
		}
		keyEnd := k.i
		k.space()
		if k.i >= len(k.data) || k.data[k.i] != ':' {
			return errNotJSON
		}
		k.i++
		var child *shape
		ignored, drop := false, false
		if !skip {
			key := raw
			if escaped || !isASCII(raw) {
				key = unquote(k.data[keyStart:keyEnd])
			}
			field := -1
			switch {
			case s != nil && s.object:
				if field = s.field(key); field >= 0 {
					child = s.of[field]
				} else {
					ignored, drop = true, s.foldsTo(key)
				}
			case s != nil:
				child = s.elem
			}
			node.key, node.escaped = raw, escaped
			if seen.add(field, key) && k.dup == "" {
				k.dup = node.String()
			}
			if ignored && len(k.ignored) < journal.MaxIgnoredKeys {
				k.ignored = append(k.ignored, node.String())
			}
		}
		if err := k.value(child, skip || ignored, &node); err != nil {
			return err
		}
		valueEnd := k.i
		k.space()
		if k.i >= len(k.data) {
			return errNotJSON
		}
		next := k.data[k.i]
		if drop {
			switch {
			case next == ',':
				k.dropSpan(span{keyStart, k.i + 1})
			case keptComma >= 0:
				k.dropSpan(span{keptComma, valueEnd})
			default:
				k.dropSpan(span{keyStart, valueEnd})
			}
		}
		switch next {
		case ',':
			if !drop {
				keptComma = k.i
			}
			k.i++
		case '}':
			k.i++
			k.depth--
			return nil
		default:
			return errNotJSON
		}
	}
}

// dropSpan adds sp to the members to remove. A span that reaches back to
// the comma after the last member kept covers the dropped members since.
func (k *keyScan) dropSpan(sp span) {
	for len(k.drops) > 0 && k.drops[len(k.drops)-1].start >= sp.start {
		k.drops = k.drops[:len(k.drops)-1]
	}
	k.drops = append(k.drops, sp)
}

// maxKeyPath bounds the length of a key's path in a message or the
// journal.
const maxKeyPath = 128

// String writes the path as a client would name it:
// auth.identity.methods[0].
func (n *pathNode) String() string {
	return clipKey(string(n.appendTo(nil)))
}

func (n *pathNode) appendTo(b []byte) []byte {
	if n.parent != nil {
		b = n.parent.appendTo(b)
	}
	if n.index >= 0 {
		return append(append(append(b, '['), strconv.Itoa(n.index)...), ']')
	}
	if n.parent != nil {
		b = append(b, '.')
	}
	switch {
	case len(n.key) == 0:
		return append(b, `""`...) // the empty key, which a path cannot show otherwise
	case n.escaped || !isASCII(n.key):
		return append(b, unquote(append(append([]byte{'"'}, n.key...), '"'))...)
	}
	return append(b, n.key...)
}

// clipKey cuts a key's path to maxKeyPath bytes.
func clipKey(s string) string {
	if len(s) <= maxKeyPath {
		return s
	}
	cut := maxKeyPath
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// without returns body with the dropped members removed.
func (k *keyScan) without(body []byte) []byte {
	if len(k.drops) == 0 {
		return body
	}
	out := make([]byte, 0, len(body))
	at := 0
	for _, sp := range k.drops {
		out = append(out, body[at:sp.start]...)
		at = sp.end
	}
	return append(out, body[at:]...)
}

// unquote decodes a JSON string as encoding/json decodes keys (invalid
// UTF-8 becomes U+FFFD).
func unquote(quoted []byte) []byte {
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return quoted // scanned as a string already; cannot happen
	}
	return []byte(s)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// seenKeys are the keys of one object read so far: fields by index, other
// keys by name.
type seenKeys struct {
	fields uint64
	others []string
	many   map[string]struct{}
}

// add records a key, a struct's field when field >= 0, and reports
// whether the object had it already.
func (s *seenKeys) add(field int, key []byte) bool {
	if field >= 0 && field < 64 {
		bit := uint64(1) << field
		if s.fields&bit != 0 {
			return true
		}
		s.fields |= bit
		return false
	}
	if s.many != nil {
		if _, ok := s.many[string(key)]; ok {
			return true
		}
		s.many[string(key)] = struct{}{}
		return false
	}
	for _, o := range s.others {
		if o == string(key) {
			return true
		}
	}
	s.others = append(s.others, string(key))
	if len(s.others) > 16 {
		s.many = make(map[string]struct{}, 32)
		for _, o := range s.others {
			s.many[o] = struct{}{}
		}
		s.others = nil
	}
	return false
}
