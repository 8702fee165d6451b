// Lexer of the rule language (.rule files). Owns the token vocabulary:
// keywords, punctuation, literals, comments, and the error tokens that keep
// the lexer total (every byte sequence lexes; the parser driver turns the
// error tokens into diagnostics with precise spans).
//
// The C++ driver (compiler/syntax/parse.cc) feeds this lexer one BYTE per
// input symbol, so token start/stop indexes are byte offsets into the UTF-8
// source. Non-ASCII bytes are symbols 0x80..0xFF: they are accepted inside
// strings and comments and reported as unexpected characters elsewhere.
//
// REGEX_MODE is pushed by the driver (not by an action, so the grammar stays
// target-neutral) right after a `matches` keyword that is not a path segment
// (`x.matches`) when the next significant character is `/`. Everywhere else
// `/` is division.
lexer grammar RuleLexer;

// ---------------------------------------------------------------- trivia ---
WS            : [ \t\r\n\f]+ -> channel(HIDDEN) ;
LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
// `/*` with no `*/` before the end of the file. Spelled without `.*?` so that
// a terminated comment is never also an (always longer) unterminated one.
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;

// -------------------------------------------------------------- keywords ---
// Top-level declarations.
KW_IMPORT   : 'import' ;
KW_LIST     : 'list' ;
KW_MACRO    : 'macro' ;
KW_RULE     : 'rule' ;
// Rule metadata keys (soft keywords: also usable as names, see RuleParser).
KW_TITLE          : 'title' ;
KW_DESCRIPTION    : 'description' ;
KW_SEVERITY       : 'severity' ;
KW_ATTACK         : 'attack' ;
KW_DATA           : 'data' ;
KW_REFERENCES     : 'references' ;
KW_TAGS           : 'tags' ;
KW_FALSEPOSITIVES : 'falsepositives' ;
KW_TUNING         : 'tuning' ;
KW_AUTHOR         : 'author' ;
// Rule clauses.
KW_MATCH    : 'match' ;
KW_WHERE    : 'where' ;
KW_COUNT    : 'count' ;
KW_DISTINCT : 'distinct' ;
KW_NEW      : 'new' ;
KW_BY       : 'by' ;
KW_WITHIN   : 'within' ;
KW_LEARN    : 'learn' ;
KW_SEQUENCE : 'sequence' ;
KW_UNTIL    : 'until' ;
KW_EXCEPT   : 'except' ;
KW_SUPPRESS : 'suppress' ;
KW_FOR      : 'for' ;
KW_EMIT     : 'emit' ;
KW_TEST     : 'test' ;
KW_EVENTS   : 'events' ;
KW_FILE     : 'file' ;
KW_EXPECT   : 'expect' ;
// Expressions. `in~` and `like~` are single tokens (no space before `~`).
KW_AND      : 'and' ;
KW_OR       : 'or' ;
KW_NOT      : 'not' ;
KW_IN       : 'in' ;
KW_IN_CI    : 'in~' ;
KW_MATCHES  : 'matches' ;
KW_LIKE     : 'like' ;
KW_LIKE_CI  : 'like~' ;
KW_ANY      : 'any' ;
KW_ALL      : 'all' ;
KW_TRUE     : 'true' ;
KW_FALSE    : 'false' ;
KW_NULL     : 'null' ;

// ----------------------------------------------------------- punctuation ---
LBRACE   : '{' ;
RBRACE   : '}' ;
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
COMMA    : ',' ;
COLON    : ':' ;
DOT      : '.' ;
EQ       : '==' ;
NE       : '!=' ;
EQ_CI    : '=~' ;
NE_CI    : '!~' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
BANG     : '!' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
SLASH    : '/' ;
PERCENT  : '%' ;

// -------------------------------------------------------------- literals ---
// Raw text between triple quotes: inline test events (JSON lines). No escapes.
TRIPLE_STRING : '"""' .*? '"""' ;
UNTERMINATED_TRIPLE_STRING : '"""' ( ~'"' | '"' ~'"' | '""' ~'"' )* ( '"' | '""' )? EOF ;
// Escapes are checked and decoded by the AST builder (E0102 on a bad one), so
// the lexer accepts a backslash before any character.
STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
// A string with no closing quote on its line.
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* ;

// Duration: one or more integer+unit groups, one token (`10m`, `1h30m`, `500ms`).
DURATION : ( DIGITS DURATION_UNIT )+ ;
FLOAT    : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT      : DIGITS ;
// A number run into letters (`5min`, `10x`, `1.5h`): longer than any valid
// number or duration it starts with, so it wins and is reported as E0102.
BAD_NUMBER : DIGITS ( '.' DIGITS )? [A-Za-z_] [A-Za-z0-9_]* ;

IDENT : [A-Za-z_] [A-Za-z0-9_]* ;

fragment DIGITS        : [0-9]+ ;
fragment EXPONENT      : [eE] [+-]? DIGITS ;
fragment DURATION_UNIT : 'ms' | 's' | 'm' | 'h' | 'd' | 'w' ;

// Anything else: one character (a whole UTF-8 sequence for non-ASCII, since
// input symbols are bytes), reported by the driver as unexpected.
ERROR_CHAR : [\u00C0-\u00FF] [\u0080-\u00BF]* | . ;

// ---------------------------------------------------------------------------
// After `matches`: a regex literal `/pattern/flags`. Pushed by the driver only
// when the next significant character is `/`, so every path leaves the mode.
mode REGEX_MODE;
REGEX_WS            : [ \t\r\n\f]+ -> channel(HIDDEN) ;
REGEX_LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
REGEX_BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
// Inside the pattern `\/` is a slash; every other escape is kept for RE2.
REGEX : '/' ( '\\' ~[\r\n] | ~[/\\\r\n] )* '/' [A-Za-z]* -> popMode ;
UNTERMINATED_REGEX : '/' ( '\\' ~[\r\n] | ~[/\\\r\n] )* -> popMode ;
REGEX_ERROR_CHAR : . -> type(ERROR_CHAR), popMode ;
