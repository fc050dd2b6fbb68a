import { createApp } from 'vue';
import { readSettings } from '../../shared/settings.js';
import App from './App.vue';

createApp(App, { ...readSettings(location.search) }).mount('#app');
