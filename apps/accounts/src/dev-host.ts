// Development page only (`npm start`, with the kit's dev-host/index.html): hosts <atrium-accounts>.
import { startDevHost } from '@atrium/element-kit/dev-host';
import { ACCOUNTS_ELEMENT } from './app/accounts-element';
import './main';

startDevHost({ tag: ACCOUNTS_ELEMENT.tag, basePath: '/accounts' });
