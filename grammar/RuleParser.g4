// Parser of the rule language. Owns the concrete syntax: declarations, rule
// items, sequence stages and the expression precedence ladder. No actions and
// no semantic predicates; compiler/syntax/ast_builder.cc turns the parse tree
// into the AST (compiler/ast/ast.h) and is its only consumer.
//
// Newlines are not significant. Sequence stages need no separator because an
// expression never continues with `name :`, `name [`, `name {` or `!`; the only
// `name :` inside an expression is a quantifier's `in PATH :`, which is
// consumed by the quantifier itself.
parser grammar RuleParser;

options { tokenVocab = RuleLexer; }

// ----------------------------------------------------------------- files ---
file_ : topDecl* EOF ;

topDecl
  : KW_IMPORT STRING                                                  # ImportDecl
  | KW_LIST name ASSIGN listLiteral                                   # ListDecl
  | KW_MACRO name macroParams? ASSIGN expr                            # MacroDecl
  | KW_RULE name LBRACE ruleItem* RBRACE                              # RuleDecl
  ;

macroParams : LPAREN ( name ( COMMA name )* )? RPAREN ;

// ----------------------------------------------------------------- rules ---
// Items may come in any order; sema checks which ones are required, unique or
// mutually exclusive (exactly one of match / sequence).
ruleItem
  : metaKey metaValue ( COMMA metaValue )*                            # MetaItem
  | KW_MATCH KW_WHERE expr aggregate?                                 # MatchItem
  | KW_SEQUENCE byClause? withinClause? stage+ untilClause?           # SequenceItem
  | KW_EXCEPT KW_WHERE expr                                           # ExceptItem
  | KW_SUPPRESS KW_BY fieldList KW_FOR DURATION                       # SuppressItem
  | KW_EMIT STRING                                                    # EmitItem
  | KW_TEST STRING LBRACE testEvents KW_EXPECT INT RBRACE             # TestItem
  ;

metaKey
  : KW_TITLE | KW_DESCRIPTION | KW_SEVERITY | KW_ATTACK | KW_DATA | KW_REFERENCES
  | KW_TAGS | KW_FALSEPOSITIVES | KW_TUNING | KW_AUTHOR
  ;

// A string, a bare word (`high`), or a bare ATT&CK id (`T1578.001`, which
// lexes as IDENT DOT INT; the builder takes the id from the source text).
metaValue
  : STRING                                                            # QuotedMetaValue
  | name ( DOT INT )?                                                 # BareMetaValue
  ;

aggregate
  : KW_COUNT byClause? KW_WITHIN DURATION GE INT                      # CountAggregate
  | KW_DISTINCT path byClause? KW_WITHIN DURATION GE INT              # DistinctAggregate
  | KW_NEW fieldList byClause? KW_WITHIN DURATION KW_LEARN DURATION   # NewAggregate
  ;

byClause     : KW_BY fieldList ;
withinClause : KW_WITHIN DURATION ;
fieldList    : path ( COMMA path )* ;

// `[!]label[repeat]: [by f, ...] where expr`
stage       : BANG? name repeat? COLON byClause? KW_WHERE expr ;
repeat
  : LBRACK INT RBRACK                                                 # RepeatExactly
  | LBRACE INT COMMA RBRACE                                           # RepeatAtLeast
  ;
untilClause : KW_UNTIL byClause? KW_WHERE expr ;

testEvents
  : KW_EVENTS TRIPLE_STRING                                           # InlineEvents
  | KW_EVENTS KW_FILE STRING                                          # FileEvents
  ;

// ----------------------------------------------------------- expressions ---
// Lowest to highest precedence. Chains are flat lists (the builder folds them
// left to right without recursion).
expr    : orExpr ;
orExpr  : andExpr ( KW_OR andExpr )* ;
andExpr : notExpr ( KW_AND notExpr )* ;
notExpr
  : KW_NOT notExpr                                                    # LogicalNot
  | compareExpr                                                       # NotPassThrough
  ;

// Comparisons and membership do not associate: `a == b == c` is an error.
compareExpr : addExpr compareTail? ;
compareTail
  : op=( EQ | NE | LT | LE | GT | GE | EQ_CI | NE_CI ) addExpr        # CompareOp
  | KW_NOT? op=( KW_IN | KW_IN_CI ) inTarget                          # InOp
  | KW_NOT? KW_MATCHES pattern=( REGEX | STRING )                     # MatchesOp
  | KW_NOT? op=( KW_LIKE | KW_LIKE_CI ) STRING                        # LikeOp
  ;
inTarget : listLiteral | path ;

addExpr   : mulExpr ( ops+=( PLUS | MINUS ) mulExpr )* ;
mulExpr   : unaryExpr ( ops+=( STAR | SLASH | PERCENT ) unaryExpr )* ;
unaryExpr
  : MINUS unaryExpr                                                   # Negate
  | primary                                                           # UnaryPassThrough
  ;

primary
  : literal                                                           # LiteralExpr
  | name LPAREN ( expr ( COMMA expr )* )? RPAREN                      # CallExpr
  | path                                                              # PathExpr
  | LPAREN expr RPAREN                                                # ParenExpr
  | listLiteral                                                       # ListExpr
  // The body extends as far right as possible.
  | quant=( KW_ANY | KW_ALL ) name KW_IN path COLON expr              # QuantifierExpr
  ;

listLiteral : LBRACK ( expr ( COMMA expr )* COMMA? )? RBRACK ;

literal
  : STRING | INT | FLOAT | DURATION | KW_TRUE | KW_FALSE | KW_NULL
  ;

// ----------------------------------------------------------------- names ---
// `raw.requestParameters.count`, `raw.protoPayload["@type"]`, `snap.resource.uid`.
path       : name pathSuffix* ;
pathSuffix
  : DOT segment                                                       # DotSegment
  | LBRACK STRING RBRACK                                              # BracketSegment
  ;

// After a dot any keyword is a plain segment (`x.match`, `raw.data.new`).
segment
  : IDENT
  | KW_IMPORT | KW_LIST | KW_MACRO | KW_RULE
  | KW_TITLE | KW_DESCRIPTION | KW_SEVERITY | KW_ATTACK | KW_DATA | KW_REFERENCES
  | KW_TAGS | KW_FALSEPOSITIVES | KW_TUNING | KW_AUTHOR
  | KW_MATCH | KW_WHERE | KW_COUNT | KW_DISTINCT | KW_NEW | KW_BY | KW_WITHIN
  | KW_LEARN | KW_SEQUENCE | KW_UNTIL | KW_EXCEPT | KW_SUPPRESS | KW_FOR | KW_EMIT
  | KW_TEST | KW_EVENTS | KW_FILE | KW_EXPECT
  | KW_AND | KW_OR | KW_NOT | KW_IN | KW_MATCHES | KW_LIKE | KW_ANY | KW_ALL
  | KW_TRUE | KW_FALSE | KW_NULL
  ;

// Names of rules, lists, macros, parameters, stage labels, quantifier
// variables and first path segments. Metadata keys and aggregation words are
// soft keywords (a stage may be labelled `new`, a field path may start with
// `data`); structural and operator keywords are reserved.
name
  : IDENT
  | KW_TITLE | KW_DESCRIPTION | KW_SEVERITY | KW_ATTACK | KW_DATA | KW_REFERENCES
  | KW_TAGS | KW_FALSEPOSITIVES | KW_TUNING | KW_AUTHOR
  | KW_COUNT | KW_DISTINCT | KW_NEW | KW_LEARN
  ;
