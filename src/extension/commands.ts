/** Every command id in one place; package.json's contributes.commands must list exactly these. */
export const Commands = {
  rerank: 'rerankLens.rerank',
  rerankAgain: 'rerankLens.rerankAgain',
  exportResults: 'rerankLens.exportResults',
  openChunk: 'rerankLens.openChunk',
  revealInSource: 'rerankLens.revealInSource',
  copyText: 'rerankLens.copyText',
  showLog: 'rerankLens.showLog',
  ask: 'rerankLens.ask',
  stopAsk: 'rerankLens.stopAsk',
  showAnswers: 'rerankLens.showAnswers',
  setApiKey: 'rerankLens.setApiKey',
  clearApiKey: 'rerankLens.clearApiKey',
  pickChatModel: 'rerankLens.pickChatModel',
} as const;

export const VIEW_ID = 'rerankLens.results';
/** The `@rerank` chat participant (package.json contributes.chatParticipants). */
export const PARTICIPANT_ID = 'rerankLens.chat';
export const HAS_RESULTS = 'rerankLens.hasResults';
