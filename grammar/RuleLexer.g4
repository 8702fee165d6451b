// Placeholder lexer; replaced by the real grammar.
lexer grammar RuleLexer;
IDENT : [a-z]+ ;
WS : [ \t\r\n]+ -> skip ;
