// Development page only (`npm start`, with the kit's dev-host/index.html): hosts <atrium-payments>.
import { startDevHost } from '@atrium/element-kit/dev-host';
import { PAYMENTS_ELEMENT } from './app/payments-element';
import './main';

startDevHost({ tag: PAYMENTS_ELEMENT.tag, basePath: '/payments' });
