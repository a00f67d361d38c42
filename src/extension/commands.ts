/** Every command id in one place; package.json's contributes.commands must list exactly these. */
export const Commands = {
  rerank: 'rerankLens.rerank',
  rerankAgain: 'rerankLens.rerankAgain',
  exportResults: 'rerankLens.exportResults',
  openChunk: 'rerankLens.openChunk',
  revealInSource: 'rerankLens.revealInSource',
  copyText: 'rerankLens.copyText',
  showOriginalOrder: 'rerankLens.showOriginalOrder',
  showRerankedOrder: 'rerankLens.showRerankedOrder',
  showLog: 'rerankLens.showLog',
  ask: 'rerankLens.ask',
  stopAsk: 'rerankLens.stopAsk',
  showAnswers: 'rerankLens.showAnswers',
  setApiKey: 'rerankLens.setApiKey',
  clearApiKey: 'rerankLens.clearApiKey',
  evaluate: 'rerankLens.evaluate',
  exportEvaluation: 'rerankLens.exportEvaluation',
  openEvaluationQuery: 'rerankLens.openEvaluationQuery',
  pickChatModel: 'rerankLens.pickChatModel',
  chooseReranker: 'rerankLens.chooseReranker',
  cancelRerank: 'rerankLens.cancelRerank',
  setRerankerApiKey: 'rerankLens.setRerankerApiKey',
  clearRerankerApiKey: 'rerankLens.clearRerankerApiKey',
} as const;

export const VIEW_ID = 'rerankLens.results';
/** The `@rerank` chat participant (package.json contributes.chatParticipants). */
export const PARTICIPANT_ID = 'rerankLens.chat';
export const HAS_RESULTS = 'rerankLens.hasResults';
/** True while the tree lists an original order (the view-title toggle shows "Show reranked order"). */
export const ORIGINAL_ORDER = 'rerankLens.originalOrder';
